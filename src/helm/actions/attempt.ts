import { Phase } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { retryBudget } from '../release-state.ts';
import { describe, recordEvent, writeStatus, type ReleaseContext } from '../release-context.ts';
import { statusForPhase, statusForStall } from '../status/phase-status.ts';

// What an action ended in: the release is done, stalled (a person must act), or there was nothing to do.
export type Outcome = 'released' | 'stalled' | 'unchanged';

// Enters a phase: conditions as the Helm Operator set them, Ready derived, written at once.
export async function enterPhase(ctx: ReleaseContext, phase: Phase, message: string): Promise<void> {
  await writeStatus(ctx, statusForPhase(ctx.status, phase, message, { ignoreTestFailures: ctx.hr.spec.test?.ignoreFailures === true, now: ctx.deps.now() }));
}

// Starts an install or upgrade: records what is attempted (chart revision, digest) before helm runs, so a
// failure is counted against these inputs; a new digest starts a new retry budget.
export async function beginAttempt(ctx: ReleaseContext, phase: typeof Phase.Installing | typeof Phase.Upgrading): Promise<void> {
  const same = ctx.status.lastAttemptedDigest === ctx.digest;
  ctx.status = { ...ctx.status, lastAttemptedRevision: ctx.chart.revision, lastAttemptedDigest: ctx.digest, failures: same ? (ctx.status.failures ?? 0) : 0, releaseName: ctx.releaseName };
  const verb = phase === Phase.Installing ? 'installation' : 'upgrade';
  await enterPhase(ctx, phase, `Running ${verb} for ${describe(ctx)}.`);
}

// Counts a failed attempt. Within the budget the error is rethrown, so the queue retries with backoff; once the
// budget is spent the release stalls with the cause, and the job ends. A failure that was rolled back keeps the
// phase RolledBack, as the Helm Operator wrote it (scripts look for it); any other ends in Failed.
export async function failAttempt(ctx: ReleaseContext, err: unknown, what: string): Promise<Outcome> {
  const failures = (ctx.status.failures ?? 0) + 1;
  const cause = (err as Error).message;
  ctx.status = { ...ctx.status, failures };
  if (ctx.status.phase === Phase.RolledBack) await writeStatus(ctx, {});
  else await writeStatus(ctx, statusForPhase(ctx.status, Phase.Failed, `${what} failed for ${describe(ctx)}: ${cause}`, { now: ctx.deps.now() }));
  await recordEvent(ctx, 'Warning', 'FailedReleaseSync', `synchronization of release '${ctx.releaseName}' in namespace '${ctx.targetNamespace}' failed: ${cause}`);
  const budget = retryBudget(ctx.hr.spec);
  if (failures < budget) throw err;
  await writeStatus(ctx, statusForStall(ctx.status, 'RetriesExceeded', `${what} failed ${failures} time(s) for ${describe(ctx)}; last error: ${cause}`, ctx.deps.now()));
  return 'stalled';
}
