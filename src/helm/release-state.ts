import type { HelmReleaseStatus, HelmReleaseSpec } from '../apis/helm.fluxcd.io/v1/helmrelease.ts';
import type { HelmRevision } from '../kube/client.ts';

export type { HelmRevision } from '../kube/client.ts';

// What a release needs, decided from Helm's history, the recorded status and the desired digest.
export const ReleaseStatus = {
  Absent: 'Absent', // no release: install
  Locked: 'Locked', // a pending-* left by a dead worker (we hold the lease): unlock
  OutOfSync: 'OutOfSync', // inputs differ from the last good release, or it changed outside Capstan: upgrade
  Drifted: 'Drifted', // in sync, but objects of it were changed or deleted in the cluster, to be corrected: upgrade
  Unrecorded: 'Unrecorded', // deployed, but Capstan recorded no digest (taken over): adopt as it is, or upgrade (adopt.ts)
  Failed: 'Failed', // the last attempt at these inputs failed and the budget allows another: upgrade again
  RetriesExhausted: 'RetriesExhausted', // the budget is spent on these inputs: stall until they change
  InSync: 'InSync', // nothing to do, and no helm call
} as const;
export type ReleaseStatus = (typeof ReleaseStatus)[keyof typeof ReleaseStatus];

export interface ReleaseState { status: ReleaseStatus; reason: string }

export interface StateInput {
  history: readonly HelmRevision[]; // newest first
  recorded: HelmReleaseStatus;
  spec: HelmReleaseSpec;
  desiredDigest: string;
  // Objects of the deployed release found changed or deleted in the cluster by this reconcile's drift check
  // (drift/check-drift.ts), and whether to correct them (mode enabled) or only report them (warn).
  drift?: { correct: boolean; summary: string };
}

// Attempts allowed per set of desired inputs: rollback.maxRetries (default 5; 0 means no limit).
export function retryBudget(spec: HelmReleaseSpec): number {
  const max = spec.rollback?.maxRetries ?? 5;
  return max === 0 ? Number.POSITIVE_INFINITY : max;
}

const PENDING = /^pending-/;

// Decides the state of one release. Pure: all it needs is handed in.
export function determineReleaseState({ history, recorded, spec, desiredDigest, drift }: StateInput): ReleaseState {
  const latest = history[0];
  const sameAttempt = recorded.lastAttemptedDigest === desiredDigest;
  const failures = sameAttempt ? (recorded.failures ?? 0) : 0;
  const lastAttemptFailed = sameAttempt && failures > 0;
  if (latest && (PENDING.test(latest.status) || latest.status === 'uninstalling')) {
    return { status: ReleaseStatus.Locked, reason: `release revision ${latest.version} was left ${latest.status}` };
  }
  if (lastAttemptFailed && failures >= retryBudget(spec)) {
    return { status: ReleaseStatus.RetriesExhausted, reason: `failed ${failures} time(s) with these inputs; change the spec to try again` };
  }
  if (!latest || latest.status === 'uninstalled') return { status: ReleaseStatus.Absent, reason: 'no release in Helm storage' };
  if (lastAttemptFailed && (latest.status === 'failed' || spec.rollback?.retry === true)) {
    return { status: ReleaseStatus.Failed, reason: `attempt ${failures + 1} after ${failures} failure(s)` };
  }
  if (lastAttemptFailed) {
    // rolled back and not asked to retry: Helm Operator behaviour, wait for new inputs
    return { status: ReleaseStatus.RetriesExhausted, reason: 'upgrade failed and was rolled back; change the spec to try again (or set rollback.retry)' };
  }
  if (latest.status !== 'deployed') return { status: ReleaseStatus.OutOfSync, reason: `release is ${latest.status}` };
  if (recorded.lastAppliedDigest === undefined && recorded.lastAttemptedDigest === undefined) {
    return { status: ReleaseStatus.Unrecorded, reason: `revision ${latest.version} was released without Capstan (taken over): compare it with the desired inputs` };
  }
  if (recorded.lastAppliedDigest !== desiredDigest) return { status: ReleaseStatus.OutOfSync, reason: 'desired inputs changed' };
  if (recorded.lastReleaseVersion !== latest.version) {
    return { status: ReleaseStatus.OutOfSync, reason: `revision ${latest.version} was made outside Capstan` };
  }
  if (drift?.correct) return { status: ReleaseStatus.Drifted, reason: `drift: ${drift.summary}` };
  if (drift) return { status: ReleaseStatus.InSync, reason: `release matches the desired inputs; drift reported, not corrected (warn): ${drift.summary}` };
  return { status: ReleaseStatus.InSync, reason: 'release matches the desired inputs' };
}
