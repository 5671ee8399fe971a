import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

// A held lease; `lost` aborts when a renewal finds the lease gone, so the holder stops acting.
export interface Lease { readonly lost: AbortSignal; release(): Promise<void> }

// A per-release lease in Redis (SET NX PX + a random token, renewed every ttl/3 while held): across all worker
// processes one release is acted on by one holder. Resolves undefined when someone else holds it.
export async function acquireLease(redis: Redis, key: string, ttlMs = 30_000): Promise<Lease | undefined> {
  const name = `capstan:lease:${key}`;
  const token = randomUUID();
  if ((await redis.set(name, token, 'PX', ttlMs, 'NX')) !== 'OK') return undefined;
  const lost = new AbortController();
  const timer = setInterval(() => {
    redis.eval(RENEW, 1, name, token, String(ttlMs)).then(
      (ok) => { if (ok !== 1) lost.abort(new Error(`lease ${key} lost`)); },
      () => { /* a failed renewal is retried at the next tick; the TTL covers the gap */ },
    );
  }, Math.max(1000, Math.floor(ttlMs / 3)));
  timer.unref();
  return {
    lost: lost.signal,
    async release() {
      clearInterval(timer);
      await redis.eval(RELEASE, 1, name, token).catch(() => undefined);
    },
  };
}
