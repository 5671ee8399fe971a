// How fast a release whose worker died is picked up again, and what that costs in Redis traffic.
//
// A job whose worker dies (SIGKILL, OOM, lost machine) stays `active` until its BullMQ lock expires (at most
// lockDuration after the last renewal) and a stalled check moves it back to `wait` (at most stalledInterval
// later); the next worker then needs the release's lease, which expires at most leaseTtl after the dead
// worker's last renewal. BullMQ's defaults (30 s lock, 30 s stalled check) and a 30 s lease made that 70-100 s
// with the helm run. Now: lock 12 s, stalled check 6 s, lease 18 s, so the job is offered again within 18 s
// with the lease expired, and the release is back within 30 s (e2e/faults-kill.test.ts: 11-24 s).
//
// The cost, measured on a Redis of its own with `INFO commandstats` and `INFO stats` (e2e/faults/redis-traffic.ts:
// `capstan run`, one worker; commands counting the calls inside scripts, and bytes in + out), before → after:
//   idle minute                          136 → 139 commands    13.2 → 12.8 KB
//   a wave of 20 releases (all Ready)   ~1130 → 1362          ~128 → 141 KB   (+20%: the wave lasted longer)
//   a minute while 4 helm runs wait       218 → 416            15.1 → 26.9 KB  (1.9×: locks renewed 3.3× as often)
// BullMQ renews the locks it holds every quarter of the lock duration (one call per worker), and the lease is
// renewed every half of its ttl, only while a job runs. The stalled check runs five times as often; an idle
// worker's blocking poll lasts twice as long (drainDelay 10 s instead of 5 s; a new job still wakes it at once),
// which pays for it. The trade: a worker whose event loop stalls for more than 6 s (BullMQ's defaults: 15 s) can
// lose its job's lock, and the job is offered to another worker; that one waits while the lease is held, which
// lapses after 9 to 18 s without renewal. Set the lock and the stalled check higher (the lease follows) where
// processes pause that long.

// The worker's timings; every one can be set per worker (ReleaseWorkerOptions), these are the defaults.
export interface WorkerTimings {
  lockDurationMs: number; // BullMQ job lock; renewed every quarter of it while the job runs
  stalledIntervalMs: number; // how often a worker looks for jobs whose lock expired
  drainDelaySec: number; // how long an idle worker's blocking poll lasts (a new job ends it at once)
  leaseTtlMs: number; // the per-release lease; renewed every half of it while the release is acted on
  shutdownGraceMs: number; // on SIGTERM, how long helm runs may finish before they are cut short and handed back
}

// Defaults: see the measurements above. The shutdown grace leaves room within Kubernetes' default 30 s
// termination grace for helm to record the interruption and for the job to go back to the queue.
export const DEFAULT_WORKER_TIMINGS: Readonly<WorkerTimings> = Object.freeze({
  lockDurationMs: 12_000,
  stalledIntervalMs: 6_000,
  drainDelaySec: 10,
  leaseTtlMs: 18_000,
  shutdownGraceMs: 20_000,
});

// The timings with defaults filled in; unless set, the lease lasts the lock duration plus the stalled check, so
// it has expired by the time a dead worker's job can be offered again.
export function workerTimings(given: Partial<WorkerTimings> = {}): WorkerTimings {
  const lockDurationMs = given.lockDurationMs ?? DEFAULT_WORKER_TIMINGS.lockDurationMs;
  const stalledIntervalMs = given.stalledIntervalMs ?? DEFAULT_WORKER_TIMINGS.stalledIntervalMs;
  return {
    lockDurationMs,
    stalledIntervalMs,
    drainDelaySec: given.drainDelaySec ?? DEFAULT_WORKER_TIMINGS.drainDelaySec,
    leaseTtlMs: given.leaseTtlMs ?? lockDurationMs + stalledIntervalMs,
    shutdownGraceMs: given.shutdownGraceMs ?? DEFAULT_WORKER_TIMINGS.shutdownGraceMs,
  };
}

// The longest a dead worker's job waits before another worker may act on it: the lock runs out, the next
// stalled check sees it, and the lease (if it outlives both) runs out.
export function worstCaseRepickMs(t: WorkerTimings): number {
  return Math.max(t.lockDurationMs + t.stalledIntervalMs, t.leaseTtlMs);
}
