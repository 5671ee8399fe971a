import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';

// The value is "<mark><token> <holder>": the token proves ownership, the holder (host/pid, job) is there for
// messages, and the mark "?" says the lease is only claimed, not yet confirmed (see acquireLease).
// Renewal re-creates a lease that vanished (Redis restarted or flushed) instead of giving up on a helm run that is
// going well, and takes back a lease someone else only claims meanwhile; it reports the lease lost only when
// another holder's confirmed token is there. It never turns a confirmed lease back into a claim.
const RENEW = `local v = redis.call('get', KEYS[1])
local mine = ARGV[1] .. ' '
local mark = ARGV[4]
if v then
  if string.sub(v, 1, string.len(mine)) == mine then mark = ''
  elseif string.sub(v, 1, 1) ~= '?' then return 0 end
end
redis.call('set', KEYS[1], mark .. mine .. ARGV[3], 'PX', ARGV[2])
return 1`;
// Confirms a claim: only when the claim (or the confirmed lease) is still this holder's.
const CONFIRM = `local v = redis.call('get', KEYS[1])
local mine = ARGV[1] .. ' '
if v and (string.sub(v, 1, string.len(mine)) == mine or string.sub(v, 1, string.len(mine) + 1) == '?' .. mine) then
  redis.call('set', KEYS[1], mine .. ARGV[3], 'PX', ARGV[2]) return 1 end
return 0`;
const RELEASE = `local v = redis.call('get', KEYS[1])
local mine = ARGV[1] .. ' '
if v and (string.sub(v, 1, string.len(mine)) == mine or string.sub(v, 1, string.len(mine) + 1) == '?' .. mine) then
  return redis.call('del', KEYS[1]) end
return 0`;

// Lease timings; defaults: ttl 10 s (the worker's lock duration), renewed every ttl/3.
export interface LeaseOptions {
  ttlMs?: number;
  renewEveryMs?: number;
  holder?: string; // who holds it, e.g. "host/pid job 42"; shown to those who find it held
}

// A held lease. It starts as a claim: `confirm` makes it the holder's, after waiting `waitMs` for a live holder to
// take it back (false: one did, so the caller must not act). `lost` aborts when a renewal finds another holder's
// confirmed token, so the holder stops acting.
export interface Lease {
  readonly lost: AbortSignal;
  confirm(waitMs: number): Promise<boolean>;
  release(): Promise<void>;
}

// Someone else holds the lease: who, and how long until it expires unless renewed.
export interface LeaseHeld { holder: string; expiresInMs: number }

// Takes a per-release lease in Redis (SET NX PX + a random token, renewed while held): across all worker
// processes one release is acted on by one holder. A holder that dies stops renewing, so its lease is free
// within one ttl; with the ttl equal to BullMQ's lock duration it is free by the time BullMQ hands the dead
// worker's job to another worker. Resolves `{ held }` when someone else holds it.
//
// Redis can lose the lease of a live holder (restarted empty, flushed), and the job with it; the operator
// enqueues the release again and another worker may take the lease before the live holder's next renewal
// re-creates it. So a new lease is only a claim, which a live holder's renewal takes back without losing
// anything. Before acting on a release that may be mid-action (a pending-* revision: a helm run may be going
// on), the claimant confirms after waiting longer than one renewal period (`confirmWaitMs`); otherwise at once.
export async function acquireLease(redis: Redis, key: string, opts: LeaseOptions = {}): Promise<{ lease: Lease } | { held: LeaseHeld }> {
  const ttlMs = opts.ttlMs ?? 10_000;
  const holder = (opts.holder ?? '').replace(/\s+/g, '_') || '-';
  const name = `capstan:lease:${key}`;
  const token = randomUUID();
  if ((await redis.set(name, `?${token} ${holder}`, 'PX', ttlMs, 'NX')) !== 'OK') return { held: await whoHolds(redis, name, ttlMs) };
  const lost = new AbortController();
  let mark = '?';
  const timer = setInterval(() => {
    redis.eval(RENEW, 1, name, token, String(ttlMs), holder, mark).then(
      (ok) => { if (ok !== 1) lost.abort(new Error(`lease ${key} lost to another holder`)); },
      () => { /* a failed renewal is retried at the next tick; the TTL covers the gap */ },
    );
  }, renewEveryMs(opts));
  timer.unref();
  return {
    lease: {
      lost: lost.signal,
      async confirm(waitMs) {
        if (mark === '') return true;
        if (waitMs > 0) await sleep(waitMs, undefined, { signal: lost.signal }).catch(() => undefined);
        if (lost.signal.aborted) return false;
        const ok = (await redis.eval(CONFIRM, 1, name, token, String(ttlMs), holder)) === 1;
        if (ok) mark = '';
        return ok;
      },
      async release() {
        clearInterval(timer);
        await redis.eval(RELEASE, 1, name, token).catch(() => undefined);
      },
    },
  };
}

// How often a holder renews its lease.
function renewEveryMs(opts: LeaseOptions): number {
  return opts.renewEveryMs ?? Math.max(500, Math.floor((opts.ttlMs ?? 10_000) / 3));
}

// How long a claimant waits for a live holder to take a lease back: one and a half renewal periods of a holder
// with the same options, so a holder that is alive has renewed at least once.
export function confirmWaitMs(opts: LeaseOptions = {}): number {
  return Math.ceil(renewEveryMs(opts) * 1.5);
}

async function whoHolds(redis: Redis, name: string, ttlMs: number): Promise<LeaseHeld> {
  const [value, pttl] = await Promise.all([redis.get(name), redis.pttl(name)]).catch(() => [null, ttlMs] as const);
  return { holder: value?.split(' ')[1] ?? 'unknown', expiresInMs: typeof pttl === 'number' && pttl > 0 ? pttl : 0 };
}
