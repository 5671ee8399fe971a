import { Command, CommanderError } from 'commander';
import type { CtlContext } from './ctl-context.ts';
import { CtlError, ExitCode } from './exit.ts';
import { addFluxReadVerbs } from './flux/read-verbs.ts';
import { addFluxWriteVerbs } from './flux/write-verbs.ts';
import { addReleaseVerbs } from './hr/release-verbs.ts';
import { progressLine } from './progress.ts';

const EXIT_CODES = `Exit codes:
  0  done (diff hr: no difference)
  1  diff hr found a difference; reconcile hr ended in a failed release; a job failed or timed out
  2  bad command line (unknown command or flag, missing or bad value)
  3  not found, or the Kubernetes API or the fluxd API could not be reached`;

// The `capstan ctl` command tree: fluxctl's verbs (fluxd API) and the HelmRelease verbs (Kubernetes API).
export function ctlProgram(ctx: CtlContext): Command {
  const program = new Command('capstan ctl')
    .description('operate Capstan: fluxctl\'s verbs against /api/flux, and HelmRelease verbs against the Kubernetes API')
    .usage('COMMAND [flags]')
    .addHelpText('after', `\n${EXIT_CODES}\n`)
    .showHelpAfterError('(capstan ctl COMMAND --help shows the flags)')
    .exitOverride();
  program.configureOutput({ writeOut: (s) => ctx.out(s), writeErr: (s) => process.stderr.write(s) });
  addFluxReadVerbs(program, ctx);
  addFluxWriteVerbs(program, ctx);
  addReleaseVerbs(program, ctx);
  for (const cmd of program.commands) {
    cmd.exitOverride().configureOutput({ writeOut: (s) => ctx.out(s), writeErr: (s) => process.stderr.write(s) });
    for (const sub of cmd.commands) sub.exitOverride().configureOutput({ writeOut: (s) => ctx.out(s), writeErr: (s) => process.stderr.write(s) });
  }
  return program;
}

// Runs `capstan ctl ARGV…`; the exit code (see EXIT_CODES). A failure's message goes to stderr.
export async function runCtl(argv: readonly string[], env: NodeJS.ProcessEnv, ctx: Partial<CtlContext> = {}): Promise<number> {
  const program = ctlProgram({ out: (s) => void process.stdout.write(s), progress: () => progressLine(), env, ...ctx });
  if (argv.length === 0) {
    program.outputHelp();
    return ExitCode.ok;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    if (err instanceof CtlError) {
      if (err.message) process.stderr.write(`capstan ctl: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}
