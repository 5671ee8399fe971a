// How fast a release whose worker died is picked up again, and what that costs in Redis traffic.
//
// A job whose worker dies (SIGKILL, OOM, lost machine) stays `active` until its BullMQ lock expires (at most
// lockDuration after the last renewal) and a stalled check moves it back to `wait` (at most stalledInterval
// later); the next worker then needs the release's lease, which expires at most leaseTtl after the dead
// worker's last renewal. BullMQ's defaults (30 s lock, 30 s stalled check) and a 30 s lease made that 70-100 s
// with the helm run. Now: lock 10 s, stalled check 10 s, lease 10 s, so a job is offered again within 20 s
// (lock + check; the lease has expired by then) and the release is back on track well within 30 s.
//
// The cost is measured by `node e2e/faults/redis-traffic.ts` (`INFO commandstats` on a Redis of its own:
// operator + one worker, commands and network bytes per minute idle and for a wave of 20 releases).
// The lock is renewed every lockDuration/2 and the lease every leaseTtl/3, but only while a job runs, one
// batched call per worker for the locks; the stalled check runs three times as often, and it is paid back by a
// longer idle poll (drainDelay 10 s instead of 5 s: a new job still wakes the worker at once).
// The trade: a worker whose event loop is blocked longer than the lock duration (10 s) loses its job to another
// worker, which finds the lease expired too; the stalled worker then finds its lease taken and aborts its helm
// run. BullMQ's 30 s tolerated longer pauses. Raise the three together for machines that pause that long.

// The worker's timings; every one can be set per worker (ReleaseWorkerOptions), these are the defaults.
export interface WorkerTimings {
  lockDurationMs: number; // BullMQ job lock; renewed every half of it while the job runs
  stalledIntervalMs: number; // how often a worker looks for jobs whose lock expired
  drainDelaySec: number; // how long an idle worker's blocking poll lasts (a new job ends it at once)
  leaseTtlMs: number; // the per-release lease; renewed every third of it while the release is acted on
  shutdownGraceMs: number; // on SIGTERM, how long helm runs may finish before they are cut short and handed back
}

// Defaults: see the measurements above. The shutdown grace leaves room within Kubernetes' default 30 s
// termination grace for helm to record the interruption and for the job to go back to the queue.
export const DEFAULT_WORKER_TIMINGS: Readonly<WorkerTimings> = Object.freeze({
  lockDurationMs: 10_000,
  stalledIntervalMs: 5_000,
  drainDelaySec: 10,
  leaseTtlMs: 10_000,
  shutdownGraceMs: 20_000,
});

// The timings with defaults filled in; the lease follows the lock unless set, so it has expired by the time a
// dead worker's job is offered again.
export function workerTimings(given: Partial<WorkerTimings> = {}): WorkerTimings {
  const lockDurationMs = given.lockDurationMs ?? DEFAULT_WORKER_TIMINGS.lockDurationMs;
  return {
    lockDurationMs,
    stalledIntervalMs: given.stalledIntervalMs ?? DEFAULT_WORKER_TIMINGS.stalledIntervalMs,
    drainDelaySec: given.drainDelaySec ?? DEFAULT_WORKER_TIMINGS.drainDelaySec,
    leaseTtlMs: given.leaseTtlMs ?? lockDurationMs,
    shutdownGraceMs: given.shutdownGraceMs ?? DEFAULT_WORKER_TIMINGS.shutdownGraceMs,
  };
}

// The longest a dead worker's job waits before another worker may act on it: the lock runs out, the next
// stalled check sees it, and the lease (if it outlives both) runs out.
export function worstCaseRepickMs(t: WorkerTimings): number {
  return Math.max(t.lockDurationMs + t.stalledIntervalMs, t.leaseTtlMs);
}
