import { setTimeout as delay } from 'node:timers/promises';

// Paces requests per registry host, slowing down when the registry says 429 and speeding up again after a calm
// spell, as fluxd's limiter did.
export interface HostRateLimiter {
  // Resolves when a request to `host` may go; rejects with the signal's reason when it aborts first.
  acquire(host: string, signal?: AbortSignal): Promise<void>;
  // The host answered 429: halve its rate and, given Retry-After, hold all its requests until then.
  tooManyRequests(host: string, retryAfterMs?: number): void;
  // The host answered a request: after a calm spell, raise its rate again.
  succeeded(host: string): void;
  // The host's current rate in requests per second.
  rate(host: string): number;
}

// How the limiter paces; `rps` and `burst` are required.
export interface RateLimiterOptions {
  // Requests per second per host, the rate each host starts at and never exceeds.
  rps: number;
  // Requests a host may get at once after a quiet spell (at full rate; the burst shrinks with the rate).
  burst: number;
  // The floor a run of 429s halves the rate down to. Default 0.1 (one request per 10 s).
  minRps?: number;
  // How long without a 429 before each ×1.5 step back up towards `rps`. Default 20 minutes.
  recoverAfterMs?: number;
  // The clock. Default Date.now.
  now?: () => number;
  // Waits `ms`, rejecting with the signal's reason when it aborts. Default: a timer.
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

interface Bucket {
  rate: number;
  // May go negative: requests already waiting for tokens not yet earned.
  tokens: number;
  refilledAt: number;
  holdUntil: number;
  // The last 429 or the last step up, whichever is later.
  calmSince: number;
  // Counts 429s: reservations made before the latest one are void.
  generation: number;
}

const defaultSleep = (ms: number, signal?: AbortSignal) => delay(ms, undefined, signal ? { signal } : {});

// A token bucket per host. Each waiting request reserves its token up front, so requests go in the order they
// asked. A 429 empties the bucket (no burst when a hold ends) and voids the reservations, so the requests still
// queued go at the new rate.
export function createRateLimiter(opts: RateLimiterOptions): HostRateLimiter {
  const { rps, burst } = opts;
  const minRps = Math.min(opts.minRps ?? 0.1, rps);
  const recoverAfterMs = opts.recoverAfterMs ?? 20 * 60_000;
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? defaultSleep;
  if (!(rps > 0)) throw new Error(`rate limiter: rps must be above 0, got ${rps}`);
  if (!(burst >= 1)) throw new Error(`rate limiter: burst must be at least 1, got ${burst}`);
  if (!(minRps > 0)) throw new Error(`rate limiter: minRps must be above 0, got ${minRps}`);
  const buckets = new Map<string, Bucket>();

  const capacity = (b: Bucket) => Math.max(1, (burst * b.rate) / rps);
  const bucket = (host: string): Bucket => {
    let b = buckets.get(host);
    if (!b) {
      const t = now();
      b = { rate: rps, tokens: burst, refilledAt: t, holdUntil: 0, calmSince: t, generation: 0 };
      buckets.set(host, b);
    }
    return b;
  };
  // tokens accrue from refilledAt on, which a Retry-After hold moves to the hold's end
  const refill = (b: Bucket) => {
    const t = now();
    if (t <= b.refilledAt) return;
    b.tokens = Math.min(capacity(b), b.tokens + ((t - b.refilledAt) / 1000) * b.rate);
    b.refilledAt = t;
  };
  const waitForHold = async (b: Bucket, signal?: AbortSignal) => {
    for (let wait = b.holdUntil - now(); wait > 0; wait = b.holdUntil - now()) await sleep(wait, signal);
  };

  return {
    async acquire(host, signal) {
      signal?.throwIfAborted();
      const b = bucket(host);
      for (;;) {
        await waitForHold(b, signal);
        refill(b);
        b.tokens -= 1;
        if (b.tokens >= 0) return;
        const generation = b.generation;
        try {
          await sleep((-b.tokens / b.rate) * 1000, signal);
        } catch (error) {
          if (b.generation === generation) b.tokens += 1;
          throw error;
        }
        // a 429 while this request waited voids its reservation, made at the old rate: queue again
        if (b.generation === generation) return;
      }
    },
    tooManyRequests(host, retryAfterMs) {
      const b = bucket(host);
      refill(b);
      b.rate = Math.max(minRps, b.rate / 2);
      b.tokens = 0;
      b.generation += 1;
      b.calmSince = now();
      if (retryAfterMs !== undefined && retryAfterMs > 0) b.holdUntil = Math.max(b.holdUntil, b.calmSince + retryAfterMs);
      b.refilledAt = Math.max(b.refilledAt, b.holdUntil);
    },
    succeeded(host) {
      const b = buckets.get(host);
      if (!b || b.rate >= rps || now() - b.calmSince < recoverAfterMs) return;
      refill(b);
      b.rate = Math.min(rps, b.rate * 1.5);
      b.calmSince = now();
    },
    rate(host) {
      return buckets.get(host)?.rate ?? rps;
    },
  };
}
