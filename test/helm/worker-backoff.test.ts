import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WaitingError } from '../../src/errors/waiting-error.ts';
import { RetryLaterError } from '../../src/helm/queue/retry-later-error.ts';
import { backoffDelay } from '../../src/helm/worker.ts';

describe('backoffDelay', () => {
  const mid = () => 0.5; // no jitter
  it('doubles from the base up to the ceiling', () => {
    assert.deepEqual([1, 2, 3, 4, 10].map((n) => backoffDelay(n, new Error('x'), 1000, 5000, mid)), [1000, 2000, 4000, 5000, 5000]);
  });
  it('keeps jitter within ±10%', () => {
    assert.equal(backoffDelay(1, new Error('x'), 1000, 5000, () => 0), 900);
    assert.equal(backoffDelay(1, new Error('x'), 1000, 5000, () => 1), 1100);
  });
  it('waits as long as a waiting error asks, without doubling', () => {
    const waiting = new WaitingError('DependencyNotReady', 'dep', 10_000);
    assert.equal(backoffDelay(7, new RetryLaterError(waiting), 1000, 5000, mid), 10_000);
  });
  it('never hands BullMQ an error named WaitingError (BullMQ would strand the job)', () => {
    assert.notEqual(new RetryLaterError(new WaitingError('r', 'm', 1)).name, 'WaitingError');
  });
});
