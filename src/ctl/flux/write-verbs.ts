import type { Command } from 'commander';
import { collect, type CtlContext, formatOf, optsOf, outputOption } from '../ctl-context.ts';
import { CtlError, ExitCode } from '../exit.ts';
import { render } from '../output.ts';
import { awaitJob, awaitSync, type JobStatus } from './await-job.ts';
import type { FluxClient } from './client.ts';
import { fluxOf, withFluxOptions } from './flux-options.ts';
import { jobResultTable } from './format.ts';
import { type PolicyFlags, policyUpdate } from './policy-update.ts';
import { workloadId } from './workload-id.ts';

interface Common { url?: string; token?: string; timeout: string; message?: string; user?: string; outputFormat?: string }

// Queues an update (POST /v9/update-manifests) and waits for its job; the job's status.
async function runJob(flux: FluxClient, ctx: CtlContext, timeoutMs: number, body: unknown): Promise<JobStatus> {
  const id = (await flux.post('/v9/update-manifests', body)) as string;
  const progress = ctx.progress();
  try {
    return await awaitJob(flux, id, { intervalMs: ctx.pollMs ?? 1000, timeoutMs }, progress);
  } finally {
    progress.done();
  }
}

const cause = (o: Common) => ({ Message: o.message ?? '', User: o.user ?? '' });

// Prints a job's result (table, or the status as JSON/YAML) and the commit it pushed.
function report(ctx: CtlContext, o: Common, status: JobStatus): void {
  const revision = status.Result?.revision;
  ctx.out(render(formatOf(o.outputFormat), status, () => `${jobResultTable(status.Result?.result as never)}${revision ? `Commit pushed:\t${revision.slice(0, 7)}\n` : ''}`));
}

function withCause(cmd: Command): Command {
  return withFluxOptions(cmd).option('-m, --message <text>', 'the reason, recorded in the commit').option('--user <name>', 'who asks, recorded in the commit');
}

// One policy verb: automate, deautomate, lock, unlock (fixed flags) or policy (its own flags).
function policyVerb(program: Command, ctx: CtlContext, name: string, description: string, fixed?: PolicyFlags): Command {
  return withCause(program.command(name).description(description))
    .option('-n, --namespace <ns>', 'the namespace of a kind/name workload', 'default')
    .option('-w, --workload <id>', 'the workload (namespace:kind/name, or kind/name with -n)')
    .addOption(outputOption('-o, --output-format <format>'))
    .action(async (_o: unknown, cmd: Command) => {
      const o = optsOf<Common & PolicyFlags & { namespace: string; workload?: string }>(cmd);
      if (!o.workload) throw new CtlError('--workload is required', ExitCode.usage);
      const update = policyUpdate({ ...o, ...fixed });
      const { flux, timeoutMs } = fluxOf(o, ctx);
      report(ctx, o, await runJob(flux, ctx, timeoutMs, { type: 'policy', cause: cause(o), spec: { [workloadId(o.workload, o.namespace)]: update } }));
    });
}

// fluxctl's writing verbs: release, automate, deautomate, lock, unlock, policy, sync; each one commit.
export function addFluxWriteVerbs(program: Command, ctx: CtlContext): void {
  policyVerb(program, ctx, 'automate', 'turn on image automation for a workload', { automate: true });
  policyVerb(program, ctx, 'deautomate', 'turn off image automation for a workload', { deautomate: true });
  policyVerb(program, ctx, 'lock', 'lock a workload: no image change, automated or released', { lock: true });
  policyVerb(program, ctx, 'unlock', 'unlock a workload', { unlock: true });
  policyVerb(program, ctx, 'policy', 'change the policies of a workload')
    .option('--automate', 'automate').option('--deautomate', 'deautomate').option('--lock', 'lock').option('--unlock', 'unlock')
    .option('--tag-all <pattern>', 'the tag filter of every container (* removes it)')
    .option('--tag <container=pattern>', 'the tag filter of one container (* removes it; repeatable)', collect, []);

  withCause(program.command('release').description('release new images to workloads'))
    .option('-n, --namespace <ns>', 'the namespace of kind/name workloads', 'default')
    .option('-w, --workload <id>', 'a workload to release to (repeatable)', collect, [])
    .option('--all', 'release to every workload')
    .option('-i, --update-image <image>', 'the image to release, repository:tag')
    .option('--update-all-images', 'release the newest allowed image of each container')
    .option('--exclude <id>', 'a workload to leave alone (repeatable)', collect, [])
    .option('--dry-run', 'show what would change; commit nothing')
    .option('-f, --force', 'release to locked workloads too, and ignore the tag filters with --update-all-images')
    .option('--watch', 'wait until the commit is applied')
    .addOption(outputOption('-o, --output-format <format>'))
    .action(async (_o: unknown, cmd: Command) => {
      const o = optsOf<Common & { namespace: string; workload: string[]; all?: boolean; updateImage?: string; updateAllImages?: boolean; exclude: string[]; dryRun?: boolean; force?: boolean; watch?: boolean }>(cmd);
      if (o.all === (o.workload.length > 0)) throw new CtlError('give either --workload or --all', ExitCode.usage);
      if ((o.updateImage !== undefined) === (o.updateAllImages === true)) throw new CtlError('give either --update-image or --update-all-images', ExitCode.usage);
      const { flux, timeoutMs } = fluxOf(o, ctx);
      const spec = {
        ServiceSpecs: o.all ? ['<all>'] : o.workload.map((w) => workloadId(w, o.namespace)),
        ImageSpec: o.updateImage ?? '<all latest>', Kind: o.dryRun ? 'plan' : 'execute',
        Excludes: o.exclude.length ? o.exclude.map((w) => workloadId(w, o.namespace)) : null, Force: o.force === true,
      };
      const status = await runJob(flux, ctx, timeoutMs, { type: 'image', cause: cause(o), spec });
      report(ctx, o, status);
      const revision = status.Result?.revision;
      if (o.watch && !o.dryRun && revision) await waitApplied(flux, ctx, timeoutMs, revision);
    });

  withFluxOptions(program.command('sync').description('fetch Git now and apply it; wait until applied'))
    .action(async (_o: unknown, cmd: Command) => {
      const o = optsOf<Common>(cmd);
      const { flux, timeoutMs } = fluxOf(o, ctx);
      const config = (await flux.post('/v9/git-repo-config', false)) as { remote?: { url?: string; branch?: string }; status?: string } | undefined;
      ctx.out(`Synchronizing with ${config?.remote?.url ?? 'the Git repository'}\n`);
      const status = await runJob(flux, ctx, timeoutMs, { type: 'sync', cause: { Message: '', User: '' }, spec: {} });
      const revision = status.Result?.revision;
      if (!revision) throw new CtlError('the sync job named no revision', ExitCode.failed);
      ctx.out(`Revision of ${config?.remote?.branch ?? 'the branch'} to apply is ${revision.slice(0, 7)}\nWaiting for ${revision.slice(0, 7)} to be applied ...\n`);
      await waitApplied(flux, ctx, timeoutMs, revision);
      ctx.out('Done.\n');
    });
}

async function waitApplied(flux: FluxClient, ctx: CtlContext, timeoutMs: number, revision: string): Promise<void> {
  const progress = ctx.progress();
  try {
    await awaitSync(flux, revision, { intervalMs: ctx.pollMs ?? 1000, timeoutMs }, progress);
  } finally {
    progress.done();
  }
}
