import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type ConnectionOptions, type Job, type Processor, type WorkerOptions } from 'bullmq';
import type { Logger } from 'pino';
import type { RedisClient } from '../redis/redis-client.ts';
import { StallingError } from '../errors/stalling-error.ts';
import { WaitingError } from '../errors/waiting-error.ts';
import { acquireLease, confirmWaitMs, type Lease } from './queue/release-lease.ts';
import { RetryLaterError } from './queue/retry-later-error.ts';
import type { ReleaseJob } from './queue/release-job.ts';
import { reconcileRelease, type ReconcileDeps, type ReconcileOutcome } from './reconcile.ts';
import { workerTimings, type WorkerTimings } from './worker-timings.ts';

// Settings of a worker process; defaults: concurrency 4, backoff 10 s doubling to 10 min (±10% jitter), and the
// lock, stalled-check, lease and shutdown timings of DEFAULT_WORKER_TIMINGS (worker-timings.ts says why).
export interface ReleaseWorkerOptions extends Partial<WorkerTimings> {
  queueName: string;
  connection: ConnectionOptions;
  prefix?: string; // of the queue's keys; BullMQ's default bull
  redis: RedisClient; // for the per-release lease
  deps: ReconcileDeps;
  log: Logger;
  concurrency?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  onOutcome?: (outcome: ReconcileOutcome | 'error' | 'stalled-error', seconds: number) => void;
}

// The abort reason of jobs cut short because the worker is stopping.
const SHUTTING_DOWN = 'capstan worker shutting down';

// The delay before attempt n+1: a WaitingError's own delay, else exponential with jitter and a ceiling.
export function backoffDelay(attemptsMade: number, err: Error | undefined, base: number, max: number, random = Math.random): number {
  if (err instanceof RetryLaterError || err instanceof WaitingError) return err.retryAfterMs;
  const exp = Math.min(max, base * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(exp * (0.9 + random() * 0.2));
}

// A BullMQ worker whose close() lets running jobs finish for the shutdown grace, then aborts them: their helm
// runs are cut short (helm records the release failed rather than leaving it pending) and the jobs go back to
// the queue for another worker, all before Kubernetes' SIGKILL would leave a pending-* release behind.
class ReleaseWorker extends Worker<ReleaseJob, ReconcileOutcome> {
  graceMs = 0;
  override async close(force = false): Promise<void> {
    const cut = setTimeout(() => this.cancelAllJobs(SHUTTING_DOWN), this.graceMs);
    try {
      await super.close(force);
    } finally {
      clearTimeout(cut);
    }
  }
}

// Starts BullMQ workers that reconcile HelmReleases. Each job takes the release's Redis lease first (another
// holder → retry when its lease would expire), runs under the job's abort signal and the lease's, and turns a
// StallingError into UnrecoverableError so the queue stops retrying what a person must fix.
export function startReleaseWorker(opts: ReleaseWorkerOptions): Worker<ReleaseJob, ReconcileOutcome> {
  const base = opts.backoffBaseMs ?? 10_000;
  const max = opts.backoffMaxMs ?? 600_000;
  const t = workerTimings(opts);
  const me = `${hostname()}/${process.pid}`;
  const processor: Processor<ReleaseJob, ReconcileOutcome> = async (job: Job<ReleaseJob>, _token?: string, signal?: AbortSignal) => {
    const { namespace, name } = job.data;
    const key = `${namespace}/${name}`;
    const log = opts.log.child({ kind: 'HelmRelease', namespace, name, job: job.id, reason: job.data.reason });
    const started = performance.now();
    const leaseOptions = { heartbeatMs: t.heartbeatMs, holder: `${me}:job-${job.id}` };
    const got = await acquireLease(opts.redis, key, leaseOptions);
    if ('held' in got) {
      const retryMs = Math.max(500, Math.min(t.heartbeatMs * 3, got.held.expiresInMs + 250));
      throw new RetryLaterError(new WaitingError('LeaseHeld', `release ${key} is being reconciled by ${got.held.holder}`, retryMs));
    }
    const lease = got.lease;
    try {
      const abort = AbortSignal.any([lease.lost, ...(signal ? [signal] : [])]);
      const confirmLease = confirmer(got.lease, key, confirmWaitMs(leaseOptions));
      const outcome = await reconcileRelease({ namespace, name, reason: job.data.reason }, { ...opts.deps, log, confirmLease }, abort);
      log.info({ outcome }, 'reconciled');
      opts.onOutcome?.(outcome, (performance.now() - started) / 1000);
      return outcome;
    } catch (err) {
      opts.onOutcome?.(err instanceof StallingError ? 'stalled-error' : 'error', (performance.now() - started) / 1000);
      if (signal?.aborted && signal.reason === SHUTTING_DOWN) {
        log.warn({ err: (err as Error).message }, 'cut short by shutdown; handing the job back');
        throw new RetryLaterError(new WaitingError('ShuttingDown', `the worker stopped before ${key} was reconciled`, 1_000));
      }
      if (err instanceof StallingError) {
        log.warn({ reason: err.reason, field: err.field, err: err.message }, 'stalled');
        throw new UnrecoverableError(err.message);
      }
      if (err instanceof WaitingError) {
        log.info({ reason: err.reason, err: err.message, retryInMs: err.retryAfterMs }, 'waiting');
        throw new RetryLaterError(err);
      }
      log.warn({ err: (err as Error).message, attempt: job.attemptsMade + 1 }, 'reconcile failed; will retry');
      throw err;
    } finally {
      await lease.release();
    }
  };
  const options: WorkerOptions = {
    connection: opts.connection,
    ...(opts.prefix ? { prefix: opts.prefix } : {}),
    concurrency: opts.concurrency ?? 4,
    maxStalledCount: 10, // a job whose worker died is picked up again, not failed
    lockDuration: t.lockDurationMs,
    lockRenewTime: t.lockRenewMs,
    stalledInterval: t.stalledIntervalMs,
    drainDelay: t.drainDelaySec,
    settings: { backoffStrategy: (attempts, _type, err) => backoffDelay(attempts, err, base, max) },
  };
  const worker = new ReleaseWorker(opts.queueName, processor, options);
  worker.graceMs = t.shutdownGraceMs;
  return worker;
}

// The deps' confirmLease for one job: a claim confirmed at once, or after waiting for a live holder when the release
// may be mid-action; a holder that showed itself means another worker is acting: wait for it.
function confirmer(lease: Lease, key: string, waitMs: number): (mayBeMidAction: boolean) => Promise<void> {
  return async (mayBeMidAction) => {
    if (await lease.confirm(mayBeMidAction ? waitMs : 0)) return;
    throw new WaitingError('LeaseHeld', `release ${key} is being reconciled by a worker that is still running`, waitMs);
  };
}
