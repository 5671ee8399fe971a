import type { JobsOptions } from 'bullmq';

// The queue every HelmRelease job goes through (one per Redis; tests use their own names).
export const DEFAULT_RELEASE_QUEUE = 'capstan-helm-releases';

// What a job carries: the release's identity and why it was enqueued. Never values, never secrets: the
// worker reads the HelmRelease fresh, and the dashboard shows job data as it is.
export interface ReleaseJob { namespace: string; name: string; reason: string }

// Why a release was enqueued, as the operator says it.
export const EnqueueReason = {
  Created: 'created',
  SpecChanged: 'spec-changed',
  Deleted: 'deleted',
  Resync: 'resync',
  ValuesSourceChanged: 'values-source-changed',
  ChartChanged: 'chart-changed',
  Startup: 'startup',
  DependencyReady: 'dependency-ready',
  Requested: 'requested', // reconcile.fluxcd.io/requestedAt changed (capstan ctl reconcile hr)
} as const;
export type EnqueueReason = (typeof EnqueueReason)[keyof typeof EnqueueReason];

// Reasons that only re-check a release; they never cut short a retry that is waiting out its backoff.
const ROUTINE: ReadonlySet<string> = new Set([EnqueueReason.Resync, EnqueueReason.Startup]);

// Reasons after which a Git chart source is fetched even if it was fetched recently: the poller saw a new commit,
// the spec is new (chart.ref may name what the mirror lacks), or a person asked for a reconcile. Others reuse
// the mirror (a resync fetches nothing).
const REFRESHING: ReadonlySet<string> = new Set([EnqueueReason.ChartChanged, EnqueueReason.SpecChanged, EnqueueReason.Created, EnqueueReason.Requested]);

// Whether a job with this reason fetches its chart source afresh.
export function refreshesChartSource(reason: string | undefined): boolean {
  return reason !== undefined && REFRESHING.has(reason);
}

// Reasons whose job runs at once rather than after the debounce: nothing new to coalesce (a release just created,
// every release at start-up, one whose dependency became Ready, one deleted, one a person asked for). The debounce
// is for edits, which come in bursts (an HR and its values ConfigMap changed by one commit). A creation that runs
// before its values source exists waits for it, and the source's arrival replaces that wait.
const AT_ONCE: ReadonlySet<string> = new Set([EnqueueReason.Created, EnqueueReason.Startup, EnqueueReason.DependencyReady, EnqueueReason.Deleted, EnqueueReason.Requested]);

// The delay of a job enqueued for `reason` under debounce `debounceMs`.
export function jobDelayMs(reason: string, debounceMs: number): number {
  return AT_ONCE.has(reason) ? 0 : debounceMs;
}

// Job options: deduplicated per `namespace/name` so a release has at most one waiting and one active job
// (a change while one runs is kept and run after it), debounced by `delayMs` unless `jobDelayMs` runs it at once,
// retried with the worker's backoff strategy, and kept briefly for the dashboard. A change (anything but a routine resync) replaces a
// job that is delayed, e.g. waiting out a backoff: a fixed spec is tried now, not after the backoff.
export function releaseJobOptions(key: string, delayMs: number, reason: string = EnqueueReason.Resync): JobsOptions {
  return {
    deduplication: { id: key, keepLastIfActive: true, replace: !ROUTINE.has(reason) },
    delay: jobDelayMs(reason, delayMs),
    attempts: 1000, // the retry budget lives in the release status; this only bounds runaway infrastructure errors
    backoff: { type: 'capstan' },
    removeOnComplete: { count: 500, age: 24 * 3600 },
    removeOnFail: { count: 500, age: 7 * 24 * 3600 },
  };
}
