import { ConditionType } from '../apis/helm.fluxcd.io/v1/helmrelease.ts';
import type { AttemptFailure } from './actions/outcome.ts';
import { statusDriftCorrected } from './drift/drift-status.ts';
import { Verdict, type Decision } from './next-action.ts';
import { recordEvent, type ReleaseContext } from './release-context.ts';
import { statusAdopted, statusAttemptFailed, statusReleased, statusUnchanged } from './status/conclusion-status.ts';
import { statusForStall } from './status/phase-status.ts';
import type { StatusWriter } from './status/status-writer.ts';

// What a reconcile that ran to its end came to.
export type ReleaseOutcome = 'released' | 'stalled' | 'unchanged' | 'adopted';

// What the loop knows when it ends: the release, the one status writer, the failed attempt of this reconcile (it
// counts against the budget) and the error of its last failed step.
export interface EndOfRun { ctx: ReleaseContext; writer: StatusWriter; failure?: AttemptFailure; lastError?: Error }

// Ends a reconcile when next-action says `none`: a released attempt is recorded (objects annotated and the Event
// recorded before Ready turns True), a failed one is written and its error rethrown for the queue to retry with
// backoff, an unchanged release is written only when Helm's status of it moved, an adopted one is recorded as released.
export async function concludeRelease(run: EndOfRun, decision: Decision): Promise<ReleaseOutcome> {
  const { ctx, writer } = run;
  const now = ctx.deps.now();
  switch (decision.verdict) {
    case Verdict.Released:
      writer.set(statusDriftCorrected(statusReleased(writer.status, ctx, now), ctx.history[0]?.version, now));
      await recordEvent(ctx, 'Normal', 'ReleaseSynced', `managed release '${ctx.releaseName}' in namespace '${ctx.targetNamespace}' synchronized`);
      await writer.flush();
      return 'released';
    case Verdict.Adopted:
      writer.set(statusAdopted(writer.status, ctx, now));
      await recordEvent(ctx, 'Normal', 'Adopted', `release '${ctx.releaseName}' in namespace '${ctx.targetNamespace}' taken over unchanged at revision ${ctx.history[0]?.version}: it already has the desired chart and values, so it was not upgraded`);
      await writer.flush();
      return 'adopted';
    case Verdict.Failed:
      if (run.failure) await recordFailure(run, run.failure);
      await writer.flush();
      throw run.failure?.error ?? run.lastError ?? new Error(decision.reason);
    default:
      writer.set(statusUnchanged(writer.status, ctx));
      await writer.flush();
      return 'unchanged';
  }
}

// Ends a reconcile when next-action says `stall`: Stalled (RetriesExceeded) with the reason and, when an attempt
// failed in this reconcile, its error; a release already stalled keeps the message of the failure that stalled it.
export async function stallRelease(run: EndOfRun, decision: Decision): Promise<ReleaseOutcome> {
  const { ctx, writer, failure } = run;
  const now = ctx.deps.now();
  if (failure) {
    await recordFailure(run, failure);
    writer.set(statusForStall(writer.status, 'RetriesExceeded', `${decision.reason}; last error: ${failure.error.message}`, now));
  } else if (writer.status.conditions?.find((c) => c.type === ConditionType.Stalled)?.status !== 'True') {
    writer.set(statusForStall(writer.status, 'RetriesExceeded', decision.reason, now));
  }
  await writer.flush();
  return 'stalled';
}

async function recordFailure({ ctx, writer }: EndOfRun, failure: AttemptFailure): Promise<void> {
  writer.set(statusAttemptFailed(writer.status, failure, ctx, ctx.deps.now()));
  await recordEvent(ctx, 'Warning', 'FailedReleaseSync', `synchronization of release '${ctx.releaseName}' in namespace '${ctx.targetNamespace}' failed: ${failure.error.message}`);
}
