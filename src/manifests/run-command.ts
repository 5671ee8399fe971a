import { execa } from 'execa';
import type { FluxCommand } from './flux-yaml.ts';

// The most output a generator or updater may print (a larger stream is a mistake or an attack on memory).
export const MAX_COMMAND_OUTPUT_BYTES = 16 * 1024 * 1024;
// How much of a failing command's stderr is kept in the error (its tail: where tools say what went wrong).
const STDERR_TAIL = 2_000;

// Generation by a .flux.yaml failed: `configFile` says which, `command` which command (when one failed).
export class GenerationError extends Error {
  override name = 'GenerationError';
  readonly configFile: string;
  readonly command: string | undefined;
  constructor(configFile: string, what: string, command?: string) {
    super(`${configFile}: ${what}`);
    this.configFile = configFile;
    this.command = command;
  }
}

// How one command runs: in `cwd` (inside the checkout), with only PATH and the FLUX_* variables in its
// environment (no Capstan secret, no KUBECONFIG), for at most the command's timeout, and stopped with `signal`.
export interface CommandRun { configFile: string; cwd: string; env?: Readonly<Record<string, string>>; signal?: AbortSignal | undefined }

// Runs one command of a .flux.yaml under `sh -c`, as fluxd did, and returns its stdout; a non-zero exit, a
// timeout, output over MAX_COMMAND_OUTPUT_BYTES or a missing program becomes a GenerationError naming the
// .flux.yaml and the command, with the tail of its stderr.
export async function runFluxCommand(cmd: FluxCommand, run: CommandRun): Promise<string> {
  if (run.signal?.aborted) throw new GenerationError(run.configFile, `command "${cmd.command}" not run: ${String(run.signal.reason)}`, cmd.command);
  const child = execa('/bin/sh', ['-c', cmd.command], {
    cwd: run.cwd, extendEnv: false, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...run.env },
    buffer: false, stdin: 'ignore', reject: false, detached: true,
  });
  // the command's own process group: a timeout, a stop or too much output ends everything it started
  const killGroup = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, cmd.timeoutMs);
  run.signal?.addEventListener('abort', killGroup, { once: true });
  // read here, not by execa's maxBuffer: the command is stopped as soon as it prints too much
  const out: Buffer[] = [];
  let size = 0;
  let tooMuch = false;
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_COMMAND_OUTPUT_BYTES) out.push(chunk);
    else if (!tooMuch) {
      tooMuch = true;
      killGroup();
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
  });
  const result = await child.finally(() => {
    clearTimeout(timer);
    run.signal?.removeEventListener('abort', killGroup);
  });
  if (!result.failed && !tooMuch) return Buffer.concat(out).toString('utf8');
  const tail = stderr.trim();
  let why: string;
  if (tooMuch) why = `printed more than ${MAX_COMMAND_OUTPUT_BYTES} bytes`;
  else if (timedOut) why = `timed out after ${cmd.timeoutMs / 1000}s`;
  else if (run.signal?.aborted) why = `was stopped: ${String(run.signal?.reason ?? 'cancelled')}`;
  else if (result.exitCode !== undefined) why = `exited with code ${result.exitCode}`;
  else why = `failed: ${result.shortMessage}`;
  throw new GenerationError(run.configFile, `command "${cmd.command}" ${tail ? `${why}: ${tail}` : why}`, cmd.command);
}
