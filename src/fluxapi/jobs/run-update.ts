import { InvalidOperation, type OperationResult, type OperationTarget, releaseImage, updatePolicies } from '../../image/automation/operations.ts';
import type { LatestTags } from '../../image/automation/release-targets.ts';
import { fluxResults, type FluxJobResult, type FluxSpec, mergeResults } from './job-result.ts';
import type { UpdateRequest } from './parse-update.ts';

// One Git source as a write job sees it: where operations commit, how to start its sync now, how to read its
// branch head (fetching first), and how to take its credentials out of a message.
export interface JobSource {
  name: string;
  readonly: boolean;
  target: OperationTarget;
  syncNow(): void;
  head(): Promise<string>;
  redact(text: string): string;
}

// What running a job needs: the daemon's sources, the scanned tags for `<all latest>`, and a nudge of image
// automation after something was automated (fluxd asked for an automation run at once).
export interface RunDeps { sources: readonly JobSource[]; latest?: LatestTags | undefined; onAutomated?: () => void }

// A job that cannot be done as asked (a read-only source, an invalid image); the job fails with this message.
export class JobRefused extends Error {
  override name = 'JobRefused';
}

// Runs one operation on every writable source (one commit each where something changed, each then synced) and
// merges what they did; the revision is the first commit pushed.
async function onSources(deps: RunDeps, op: (target: OperationTarget) => Promise<OperationResult>): Promise<{ revision?: string; result: ReturnType<typeof fluxResults> }> {
  const writable = deps.sources.filter((s) => !s.readonly);
  if (writable.length === 0) throw new JobRefused('every Git source is read-only (--git-readonly): nothing can be committed');
  const all: OperationResult[] = [];
  for (const source of writable) {
    try {
      const done = await op(source.target);
      all.push(done);
      if (done.commit) source.syncNow();
    } catch (err) {
      if (err instanceof InvalidOperation) throw new JobRefused(err.message);
      throw new Error(source.redact((err as Error).message), { cause: err });
    }
  }
  const revision = all.find((r) => r.commit)?.commit;
  return { ...(revision ? { revision } : {}), result: fluxResults(mergeResults(all.map((r) => r.results))) };
}

// Does what a `POST /v9/update-manifests` asked, as fluxd's job did, and returns fluxd's job result: a sync
// starts each source's sync and answers the branch head to wait for; a release or a policy change is one commit
// with fluxd's message (none for a dry run, or when nothing changes), then a sync.
export async function runUpdate(req: UpdateRequest, spec: FluxSpec, deps: RunDeps): Promise<FluxJobResult> {
  switch (req.type) {
    case 'sync': {
      const [first] = deps.sources;
      if (!first) throw new JobRefused('no Git source is configured');
      for (const s of deps.sources) s.syncNow();
      try {
        return { revision: await first.head() };
      } catch (err) {
        throw new Error(first.redact((err as Error).message), { cause: err });
      }
    }
    case 'image': {
      const r = req.release;
      const done = await onSources(deps, (target) => releaseImage(target, {
        workloads: r.workloads, image: r.image, force: r.force, excludes: r.excludes, dryRun: r.kind === 'plan',
        ...(req.cause.message ? { message: req.cause.message } : {}), ...(deps.latest ? { latest: deps.latest } : {}),
      }));
      return { ...done, spec };
    }
    case 'policy': {
      const done = await onSources(deps, (target) => updatePolicies(target, req.policies, { message: req.cause.message }));
      if (done.revision && req.policies.some((p) => p.add.automated === 'true')) deps.onAutomated?.();
      return { ...done, spec };
    }
  }
}
