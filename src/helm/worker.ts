import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { StallingError } from '../errors/stalling-error.ts';
import { WaitingError } from '../errors/waiting-error.ts';
import { acquireLease } from './queue/release-lease.ts';
import { RetryLaterError } from './queue/retry-later-error.ts';
import type { ReleaseJob } from './queue/release-job.ts';
import { reconcileRelease, type ReconcileDeps, type ReconcileOutcome } from './reconcile.ts';

// Settings of a worker process; defaults: concurrency 4, backoff 10 s doubling to 10 min (±10% jitter),
// lease 30 s, and a job lost by a dead worker is picked up again after BullMQ's lock (30 s) runs out.
export interface ReleaseWorkerOptions {
  queueName: string;
  connection: ConnectionOptions;
  redis: Redis; // for the per-release lease
  deps: ReconcileDeps;
  log: Logger;
  concurrency?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  leaseTtlMs?: number;
  onOutcome?: (outcome: ReconcileOutcome | 'error' | 'stalled-error', seconds: number) => void;
}

// The delay before attempt n+1: a WaitingError's own delay, else exponential with jitter and a ceiling.
export function backoffDelay(attemptsMade: number, err: Error | undefined, base: number, max: number, random = Math.random): number {
  if (err instanceof RetryLaterError || err instanceof WaitingError) return err.retryAfterMs;
  const exp = Math.min(max, base * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(exp * (0.9 + random() * 0.2));
}

// Starts BullMQ workers that reconcile HelmReleases. Each job takes the release's Redis lease first (another
// holder → retry later), runs under the job's abort signal and the lease's, and turns a StallingError into
// UnrecoverableError so the queue stops retrying what a person must fix.
export function startReleaseWorker(opts: ReleaseWorkerOptions): Worker<ReleaseJob, ReconcileOutcome> {
  const base = opts.backoffBaseMs ?? 10_000;
  const max = opts.backoffMaxMs ?? 600_000;
  const processor = async (job: Job<ReleaseJob>, _token?: string, signal?: AbortSignal): Promise<ReconcileOutcome> => {
    const { namespace, name } = job.data;
    const key = `${namespace}/${name}`;
    const log = opts.log.child({ kind: 'HelmRelease', namespace, name, job: job.id, reason: job.data.reason });
    const started = performance.now();
    const lease = await acquireLease(opts.redis, key, opts.leaseTtlMs ?? 30_000);
    if (!lease) throw new RetryLaterError(new WaitingError('LeaseHeld', `release ${key} is being reconciled elsewhere`, 2_000));
    try {
      const abort = AbortSignal.any([lease.lost, ...(signal ? [signal] : [])]);
      const outcome = await reconcileRelease({ namespace, name }, { ...opts.deps, log }, abort);
      log.info({ outcome }, 'reconciled');
      opts.onOutcome?.(outcome, (performance.now() - started) / 1000);
      return outcome;
    } catch (err) {
      opts.onOutcome?.(err instanceof StallingError ? 'stalled-error' : 'error', (performance.now() - started) / 1000);
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
  return new Worker<ReleaseJob, ReconcileOutcome>(opts.queueName, processor, {
    connection: opts.connection,
    concurrency: opts.concurrency ?? 4,
    maxStalledCount: 10, // a job whose worker died is picked up again, not failed
    settings: { backoffStrategy: (attempts, _type, err) => backoffDelay(attempts, err, base, max) },
  });
}
