import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_WORKER_TIMINGS, workerTimings, worstCaseRepickMs } from '../../src/helm/worker-timings.ts';

describe('worker timings', () => {
  it('offer a dead worker\'s job again within 15 s by default (BullMQ\'s defaults and a 30 s lease: 60 s)', () => {
    assert.ok(worstCaseRepickMs(workerTimings()) <= 15_000, String(worstCaseRepickMs(workerTimings())));
    assert.equal(worstCaseRepickMs({ ...DEFAULT_WORKER_TIMINGS, lockDurationMs: 30_000, stalledIntervalMs: 30_000, leaseTtlMs: 30_000 }), 60_000);
  });
  it('let the lease follow the lock unless it is set', () => {
    assert.equal(workerTimings({ lockDurationMs: 15_000 }).leaseTtlMs, 15_000);
    assert.equal(workerTimings({ lockDurationMs: 15_000, leaseTtlMs: 9_000 }).leaseTtlMs, 9_000);
  });
  it('count a lease that outlives the lock and the stalled check', () => {
    assert.equal(worstCaseRepickMs(workerTimings({ lockDurationMs: 5_000, stalledIntervalMs: 5_000, leaseTtlMs: 25_000 })), 25_000);
  });
  it('leave room in Kubernetes\' default 30 s termination grace after the shutdown grace', () => {
    assert.ok(DEFAULT_WORKER_TIMINGS.shutdownGraceMs <= 20_000);
  });
});
