import { ConditionType, Phase, type HelmReleaseStatus } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../errors/stalling-error.ts';
import { WaitingError } from '../../errors/waiting-error.ts';
import type { AttemptFailure } from '../actions/outcome.ts';
import { describe, type ReleaseContext } from '../release-context.ts';
import { statusForPhase, statusForStall, statusForWait } from './phase-status.ts';

// The status of a release whose attempt succeeded: the chart revision, the digest and the Helm revision it
// produced (what the next reconcile compares against), the failures forgiven, phase Succeeded.
export function statusReleased(status: HelmReleaseStatus, ctx: ReleaseContext, now: Date): HelmReleaseStatus {
  const latest = ctx.history[0];
  const released = {
    ...status, revision: ctx.chart.revision, lastAppliedDigest: ctx.digest, lastReleaseVersion: latest?.version,
    releaseName: ctx.releaseName, releaseStatus: latest?.status, failures: 0,
  };
  return statusForPhase(released, Phase.Succeeded, `Release was successful for ${describe(ctx)}.`, { now });
}

// The status of a release taken over unchanged (adopt.ts): recorded as if Capstan had released the revision that
// is deployed (digest, Helm revision, chart revision), phase Succeeded; nothing ran.
export function statusAdopted(status: HelmReleaseStatus, ctx: ReleaseContext, now: Date): HelmReleaseStatus {
  const latest = ctx.history[0];
  const adopted = {
    ...status, revision: ctx.chart.revision, lastAppliedDigest: ctx.digest, lastReleaseVersion: latest?.version,
    releaseName: ctx.releaseName, releaseStatus: latest?.status, failures: 0,
  };
  return statusForPhase(adopted, Phase.Succeeded, `Release was taken over unchanged for ${describe(ctx)} at revision ${latest?.version}.`, { now });
}

// The status of a release whose attempt failed: phase Failed naming the cause, except that a failure that was
// rolled back keeps the phase RolledBack, as the Helm Operator wrote it (scripts look for it).
export function statusAttemptFailed(status: HelmReleaseStatus, failure: AttemptFailure, ctx: ReleaseContext, now: Date): HelmReleaseStatus {
  if (status.phase === Phase.RolledBack) return status;
  return statusForPhase(status, Phase.Failed, `${failure.what} failed for ${describe(ctx)}: ${failure.error.message}`, { now });
}

// What is known of Helm when nothing ran: its status of the release and the name it has there.
export function statusUnchanged(status: HelmReleaseStatus, ctx: ReleaseContext): HelmReleaseStatus {
  const latest = ctx.history[0];
  return status.releaseStatus === latest?.status && status.releaseName === ctx.releaseName ? status : { ...status, releaseStatus: latest?.status, releaseName: ctx.releaseName };
}

// The status when a reconcile ends in an error: a StallingError stalls (Released False carries the cause too, so
// `kubectl get hr` shows it in the Message column), a WaitingError makes Ready False naming what it waits for, and
// any other leaves the status as the reconcile had it.
export function statusOnError(status: HelmReleaseStatus, err: unknown, now: Date): HelmReleaseStatus {
  if (err instanceof StallingError) {
    const released = status.conditions?.find((c) => c.type === ConditionType.Released);
    const failed = released?.status === 'False' ? status : statusForPhase(status, Phase.Failed, err.message, { now });
    return statusForStall(failed, err.reason, err.message, now);
  }
  if (err instanceof WaitingError) return statusForWait(status, err.reason, err.message, now);
  return status;
}
