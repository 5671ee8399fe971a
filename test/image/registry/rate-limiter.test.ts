import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRateLimiter } from '../../../src/image/registry/rate-limiter.ts';

// Virtual time: sleeps resolve only when the test advances the clock past them.
function fakeTime() {
  let t = 0;
  const timers: Array<{ at: number; resolve: () => void }> = [];
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    now: () => t,
    sleep: (ms: number, signal?: AbortSignal) => new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = { at: t + ms, resolve };
      timers.push(timer);
      signal?.addEventListener('abort', () => {
        timers.splice(timers.indexOf(timer), 1);
        reject(signal.reason);
      });
    }),
    async advance(ms: number) {
      const end = t + ms;
      for (;;) {
        await settle();
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (!next || next.at > end) break;
        timers.shift();
        t = next.at;
        next.resolve();
      }
      t = end;
      await settle();
    },
  };
}

// Starts acquires for `host` and records the virtual time each one is let through.
function track(limiter: ReturnType<typeof createRateLimiter>, time: ReturnType<typeof fakeTime>, host: string, count: number) {
  const times: number[] = [];
  for (let i = 0; i < count; i++) void limiter.acquire(host).then(() => times.push(time.now()));
  return times;
}

describe('createRateLimiter', () => {
  it('lets a burst through, then paces requests per host in the order they asked', async () => {
    const time = fakeTime();
    const limiter = createRateLimiter({ rps: 2, burst: 3, now: time.now, sleep: time.sleep });
    const times = track(limiter, time, 'a.example', 5);
    const other = track(limiter, time, 'b.example', 1);
    await time.advance(10_000);
    assert.deepEqual(times, [0, 0, 0, 500, 1000]);
    assert.deepEqual(other, [0]);
  });

  it('halves the rate on 429, never below minRps, only for that host', () => {
    const time = fakeTime();
    const limiter = createRateLimiter({ rps: 8, burst: 1, minRps: 1.5, now: time.now, sleep: time.sleep });
    const rates = [8];
    for (let i = 0; i < 4; i++) {
      limiter.tooManyRequests('a.example');
      rates.push(limiter.rate('a.example'));
    }
    assert.deepEqual(rates, [8, 4, 2, 1.5, 1.5]);
    assert.equal(limiter.rate('b.example'), 8);
  });

  it('holds every request to the host until Retry-After, then paces them at the halved rate', async () => {
    const time = fakeTime();
    const limiter = createRateLimiter({ rps: 10, burst: 10, now: time.now, sleep: time.sleep });
    limiter.tooManyRequests('a.example', 30_000);
    const times = track(limiter, time, 'a.example', 3);
    const other = track(limiter, time, 'b.example', 1);
    await time.advance(60_000);
    assert.deepEqual(other, [0]);
    assert.deepEqual(times, [30_200, 30_400, 30_600]); // no burst saved up during the hold
  });

  it('re-queues requests already waiting when a 429 arrives, at the new rate', async () => {
    const time = fakeTime();
    const limiter = createRateLimiter({ rps: 1, burst: 1, now: time.now, sleep: time.sleep });
    const times = track(limiter, time, 'a.example', 3);
    await time.advance(500);
    limiter.tooManyRequests('a.example');
    await time.advance(10_000);
    assert.equal(times[0], 0);
    assert.ok((times[2] ?? 0) - (times[1] ?? 0) >= 2000, `spaced at 0.5 rps: ${times.join(', ')}`);
  });

  it('raises the rate ×1.5 after recoverAfterMs without a 429, up to rps', () => {
    let t = 0;
    const limiter = createRateLimiter({ rps: 10, burst: 1, recoverAfterMs: 60_000, now: () => t });
    limiter.tooManyRequests('a.example');
    limiter.tooManyRequests('a.example');
    assert.equal(limiter.rate('a.example'), 2.5);
    const seen: number[] = [];
    for (const step of [59_999, 1, 1_000, 60_000, 60_000, 60_000]) {
      t += step;
      limiter.succeeded('a.example');
      seen.push(limiter.rate('a.example'));
    }
    assert.deepEqual(seen, [2.5, 3.75, 3.75, 5.625, 8.4375, 10]);
  });

  it('stops waiting when the signal aborts, giving back its place', async () => {
    const time = fakeTime();
    const limiter = createRateLimiter({ rps: 1, burst: 1, now: time.now, sleep: time.sleep });
    await limiter.acquire('a.example');
    const controller = new AbortController();
    const waiting = limiter.acquire('a.example', controller.signal);
    controller.abort(new Error('job cancelled'));
    await assert.rejects(waiting, /job cancelled/);
    const times = track(limiter, time, 'a.example', 1);
    await time.advance(5_000);
    assert.deepEqual(times, [1000]);
    await assert.rejects(limiter.acquire('a.example', AbortSignal.abort(new Error('already'))), /already/);
  });

  it('refuses options that cannot pace', () => {
    assert.throws(() => createRateLimiter({ rps: 0, burst: 1 }), /rps/);
    assert.throws(() => createRateLimiter({ rps: 1, burst: 0 }), /burst/);
  });
});
