import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { confirmWaitMs } from '../../src/helm/queue/release-lease.ts';
import { DEFAULT_WORKER_TIMINGS, workerTimings, worstCaseRepickMs } from '../../src/helm/worker-timings.ts';

describe('worker timings', () => {
  it('offer a dead worker\'s job again within 15 s by default (BullMQ\'s defaults: 60 s)', () => {
    assert.equal(worstCaseRepickMs(workerTimings()), 15_000);
    assert.equal(worstCaseRepickMs({ ...DEFAULT_WORKER_TIMINGS, lockDurationMs: 30_000, stalledIntervalMs: 30_000 }), 60_000);
  });
  it('leave room within 30 s for the wait before an unlock and a helm rollback', () => {
    const t = workerTimings();
    assert.ok(worstCaseRepickMs(t) + confirmWaitMs({ heartbeatMs: t.heartbeatMs }) <= 20_000);
  });
  it('renew the lock well before it expires', () => {
    const t = workerTimings();
    assert.ok(t.lockDurationMs - t.lockRenewMs >= 4_000);
  });
  it('count leases that outlive the lock and the stalled check', () => {
    assert.equal(worstCaseRepickMs(workerTimings({ lockDurationMs: 5_000, stalledIntervalMs: 5_000, heartbeatMs: 5_000 })), 15_000);
  });
  it('keep what is given and fill the rest with the defaults', () => {
    assert.deepEqual(workerTimings({ lockDurationMs: 15_000, heartbeatMs: undefined }), { ...DEFAULT_WORKER_TIMINGS, lockDurationMs: 15_000 });
  });
  it('leave room in Kubernetes\' default 30 s termination grace after the shutdown grace', () => {
    assert.ok(DEFAULT_WORKER_TIMINGS.shutdownGraceMs <= 20_000);
  });
});
