import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connected, failed, HEALTHY_MS, initialBackoff, type WatchBackoff } from '../../src/kube/watch-backoff.ts';

// Replays client-node's events during an outage: CONNECT (before each list/watch) then ERROR a moment later.
function waitsDuringOutage(restarts: number, upMs: number): number[] {
  let state: WatchBackoff = initialBackoff();
  let now = 0;
  const waits: number[] = [];
  for (let i = 0; i < restarts; i++) {
    state = connected(state, now);
    now += upMs;
    const { waitMs, next } = failed(state, now);
    waits.push(waitMs);
    state = next;
    now += waitMs;
  }
  return waits;
}

describe('watch restart backoff', () => {
  it('backs off to 60 s through an outage, though client-node says CONNECT before every attempt', () => {
    assert.deepEqual(waitsDuringOutage(9, 50), [1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it('starts again from 1 s after a connection that stayed up', () => {
    let state = failed(failed(initialBackoff(), 0).next, 0).next;
    assert.equal(state.delayMs, 4000);
    state = connected(state, 1_000);
    assert.equal(failed(state, 1_000 + HEALTHY_MS).waitMs, 1000);
  });

  it('backs off when the initial list fails without ever connecting', () => {
    const first = failed(initialBackoff(), 0);
    assert.deepEqual([first.waitMs, failed(first.next, 10).waitMs], [1000, 2000]);
  });
});
