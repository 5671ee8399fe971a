// How fast a release whose worker died is picked up again, and what that costs in Redis traffic.
//
// A job whose worker dies (SIGKILL, OOM, lost machine) stays `active` until its BullMQ lock expires (at most
// lockDuration after the last renewal) and a stalled check moves it back to `wait` (at most stalledInterval
// later); the next worker then needs the release's lease, free once the dead worker missed 3 heartbeats, and,
// for a release left mid-helm, waits one and a half heartbeats for a live holder before it unlocks it
// (queue/release-lease.ts). BullMQ's defaults (30 s lock, 30 s stalled check) and a 30 s lease made that 70-100 s
// with the helm run. Now: lock 10 s renewed every 6 s, stalled check 5 s, heartbeat 2.5 s: a job is offered again
// within 15 s, and the release is back within 30 s (measured by `npm run test:faults`: 20 SIGKILLs
// during install, upgrade, rollback and test all recovered, median 19-21 s, max 28.5 s).
//
// The cost, measured by `node e2e/faults/redis-traffic.ts` (`INFO commandstats` on a Redis of its own, operator
// and one worker; commands per minute, script calls counted with the calls inside them), against the same
// code with BullMQ's defaults and a 30 s lease renewed every 10 s: idle 136 → 158, a wave of 20 releases
// 1172 → 1267, a minute while 4 helm runs wait 218 → 402 (1.84×; bytes 20.1 → 20.6 KB). The README's Faults section
// has the table.
// The lock is renewed every 6 s, 4 s before it would expire (one batched call per worker for all its jobs;
// BullMQ's defaults renew every 15 s), and the stalled check runs six times as often; the lease costs one PEXPIRE
// per heartbeat per worker, however many releases it holds, where a renewal per lease would cost per running
// helm; the idle poll is longer (drainDelay 10 s instead of 5 s: a new job still wakes the worker at once).
// The trade: a worker whose event loop is blocked over 4 s beyond a lock renewal loses its job to another
// worker; one blocked over 3 heartbeats (7.5 s) may lose its leases, finds out at its next heartbeat and aborts
// its helm run. BullMQ's 30 s tolerated longer pauses. Raise them together for machines that pause that long.

// The worker's timings; every one can be set per worker (ReleaseWorkerOptions), these are the defaults.
export interface WorkerTimings {
  lockDurationMs: number; // BullMQ job lock
  lockRenewMs: number; // how often a running job's lock is renewed (one batched call per worker)
  stalledIntervalMs: number; // how often a worker looks for jobs whose lock expired
  drainDelaySec: number; // how long an idle worker's blocking poll lasts (a new job ends it at once)
  heartbeatMs: number; // the worker's liveness for its release leases; dead after 3 missed heartbeats
  shutdownGraceMs: number; // on SIGTERM, how long helm runs may finish before they are cut short and handed back
}

// Defaults: see the measurements above. The shutdown grace leaves room within Kubernetes' default 30 s
// termination grace for helm to record the interruption and for the job to go back to the queue.
export const DEFAULT_WORKER_TIMINGS: Readonly<WorkerTimings> = Object.freeze({
  lockDurationMs: 10_000,
  lockRenewMs: 6_000,
  stalledIntervalMs: 5_000,
  drainDelaySec: 10,
  heartbeatMs: 2_500,
  shutdownGraceMs: 20_000,
});

// The timings with defaults filled in.
export function workerTimings(given: Partial<WorkerTimings> = {}): WorkerTimings {
  return { ...DEFAULT_WORKER_TIMINGS, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) };
}

// The longest a dead worker's job waits before another worker may act on it: the lock runs out and the next
// stalled check sees it, or (if later) its leases are taken for dead after 3 missed heartbeats.
export function worstCaseRepickMs(t: WorkerTimings): number {
  return Math.max(t.lockDurationMs + t.stalledIntervalMs, t.heartbeatMs * 3);
}
