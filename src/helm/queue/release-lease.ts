import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

// The value is "<token> <holder>": the token proves ownership, the holder (host/pid, job) is there for messages.
// Renewal re-creates a lease that vanished (Redis restarted or flushed) instead of giving up on a helm run that is
// going well; it reports the lease lost only when another holder's token is there.
const RENEW = `local v = redis.call('get', KEYS[1])
if v == false or string.sub(v, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. ' ' then
  redis.call('set', KEYS[1], ARGV[1] .. ' ' .. ARGV[3], 'PX', ARGV[2]) return 1 end
return 0`;
const RELEASE = `local v = redis.call('get', KEYS[1])
if v and string.sub(v, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. ' ' then return redis.call('del', KEYS[1]) end
return 0`;

// Lease timings; defaults: ttl 10 s (the worker's lock duration), renewed every ttl/3.
export interface LeaseOptions {
  ttlMs?: number;
  renewEveryMs?: number;
  holder?: string; // who holds it, e.g. "host/pid job 42"; shown to those who find it held
}

// A held lease; `lost` aborts when a renewal finds another holder's token, so the holder stops acting.
export interface Lease { readonly lost: AbortSignal; release(): Promise<void> }

// Someone else holds the lease: who, and how long until it expires unless renewed.
export interface LeaseHeld { holder: string; expiresInMs: number }

// Takes a per-release lease in Redis (SET NX PX + a random token, renewed while held): across all worker
// processes one release is acted on by one holder. A holder that dies stops renewing, so its lease is free
// within one ttl; with the ttl equal to BullMQ's lock duration it is free by the time BullMQ hands the dead
// worker's job to another worker. Resolves `{ held }` when someone else holds it.
export async function acquireLease(redis: Redis, key: string, opts: LeaseOptions = {}): Promise<{ lease: Lease } | { held: LeaseHeld }> {
  const ttlMs = opts.ttlMs ?? 10_000;
  const holder = (opts.holder ?? '').replace(/\s+/g, '_') || '-';
  const name = `capstan:lease:${key}`;
  const token = randomUUID();
  if ((await redis.set(name, `${token} ${holder}`, 'PX', ttlMs, 'NX')) !== 'OK') return { held: await whoHolds(redis, name, ttlMs) };
  const lost = new AbortController();
  const timer = setInterval(() => {
    redis.eval(RENEW, 1, name, token, String(ttlMs), holder).then(
      (ok) => { if (ok !== 1) lost.abort(new Error(`lease ${key} lost to another holder`)); },
      () => { /* a failed renewal is retried at the next tick; the TTL covers the gap */ },
    );
  }, opts.renewEveryMs ?? Math.max(500, Math.floor(ttlMs / 3)));
  timer.unref();
  return {
    lease: {
      lost: lost.signal,
      async release() {
        clearInterval(timer);
        await redis.eval(RELEASE, 1, name, token).catch(() => undefined);
      },
    },
  };
}

async function whoHolds(redis: Redis, name: string, ttlMs: number): Promise<LeaseHeld> {
  const [value, pttl] = await Promise.all([redis.get(name), redis.pttl(name)]).catch(() => [null, ttlMs] as const);
  return { holder: value?.split(' ')[1] ?? 'unknown', expiresInMs: typeof pttl === 'number' && pttl > 0 ? pttl : 0 };
}
