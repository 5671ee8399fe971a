import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { WaitingError } from '../../errors/waiting-error.ts';
import type { RedisClient as Redis } from '../../redis/redis-client.ts';
import { ACQUIRE, CHECK, CONFIRM, LEASE_PREFIX, RELEASE, WORKER_PREFIX } from './lease-scripts.ts';
import { replicaWaiter } from './replica-wait.ts';

// Lease timings; default heartbeat 2.5 s: a worker that stops beating is taken for dead after 3 heartbeats.
export interface LeaseOptions {
  heartbeatMs?: number;
  holder?: string; // who holds it, e.g. "host/pid job 42"; shown to those who find it held
}

// A held lease. It starts as a claim: `confirm` makes it the holder's, after waiting `waitMs` for a live holder to
// take it back (false: one did, so the caller must not act); it throws a WaitingError when Redis has replicas and
// none acknowledged the confirmation (a failover may be under way and lose it). `lost` aborts when the heartbeat
// finds another holder's confirmed token, so the holder stops acting.
export interface Lease {
  readonly lost: AbortSignal;
  confirm(waitMs: number): Promise<boolean>;
  release(): Promise<void>;
}

// Someone else holds the lease: who, and how long until it is free unless its worker stays alive.
export interface LeaseHeld { holder: string; expiresInMs: number }

const LEASE_TTL_MS = 600_000; // the lease key itself; refreshed by the heartbeat every LEASE_REFRESH_BEATS beats
const LEASE_REFRESH_BEATS = 24;

// Per-release leases in Redis: across all worker processes one release is acted on by one holder. A lease is
// held by a worker process, alive while its liveness key is: one PEXPIRE per heartbeat per process, however many
// leases it holds (a renewal per lease would cost Redis traffic per running helm). A worker that dies stops
// beating, and its leases can be taken 3 heartbeats later.
//
// Redis can lose the leases and liveness key of a live worker (restarted empty, flushed), and its jobs with them;
// the operator enqueues the releases again and another worker may take a lease before the live worker's next
// heartbeat notices the loss and re-creates them. So a new lease is only a claim, which a live holder's heartbeat
// takes back. Before acting on a release that may be mid-action (a helm run may be going on), the claimant
// confirms after waiting one and a half heartbeats (`confirmWaitMs`); otherwise at once. With replicas (Sentinel),
// a confirmation and a release return only once a replica has them (replica-wait.ts), so a failover right after
// cannot lose the lease of a release whose helm run has begun, nor bring back one released; a confirmation no
// replica acknowledged is refused for now, a release no replica acknowledged (or that failed) is sent again after
// the next reconnect. After every reconnect (a failover moves the connection to a replica that
// may lack the last writes) the heartbeat checks the leases at once, as it does when its liveness key is gone.
export async function acquireLease(redis: Redis, key: string, opts: LeaseOptions = {}): Promise<{ lease: Lease } | { held: LeaseHeld }> {
  return keeperOf(redis, opts.heartbeatMs ?? 2_500).acquire(key, (opts.holder ?? '').replace(/\s+/g, '_') || '-');
}

// How long a claimant waits for a live holder to take a lease back: one and a half heartbeats.
export function confirmWaitMs(opts: LeaseOptions = {}): number {
  return Math.ceil((opts.heartbeatMs ?? 2_500) * 1.5);
}

interface Held { key: string; token: string; rest: string; mark: string; lost: AbortController }

// One keeper per Redis connection: the worker process's identity, its liveness key and its heartbeat.
const keepers = new WeakMap<Redis, ReturnType<typeof keeper>>();
function keeperOf(redis: Redis, heartbeatMs: number): ReturnType<typeof keeper> {
  const known = keepers.get(redis);
  if (known) return known;
  const k = keeper(redis, heartbeatMs);
  keepers.set(redis, k);
  return k;
}

function keeper(redis: Redis, heartbeatMs: number) {
  const worker = `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
  const liveness = WORKER_PREFIX + worker;
  const livenessTtl = String(heartbeatMs * 3);
  const held = new Set<Held>();
  let timer: NodeJS.Timeout | undefined;
  let beats = 0;
  // a fifth of a heartbeat: a live replica acknowledges in milliseconds, and the heartbeat may wait behind two
  const waitReplicaMs = Math.ceil(heartbeatMs / 5);
  const replicated = replicaWaiter(redis, waitReplicaMs);
  const value = (h: Held) => `${h.mark}${h.token} ${h.rest}`;
  // A lease naming this worker under a token it does not hold: one it released that a failover brought back, or
  // one an ACQUIRE sent twice made (ioredis sends again what a lost connection left unanswered). Nobody acts on it,
  // yet this worker's liveness would keep everyone else out until LEASE_TTL_MS.
  const ownOrphan = (v: string) => {
    const [token = '', w] = v.replace(/^\?/, '').split(' ');
    return w === worker && ![...held].some((x) => x.token === token);
  };
  // Replaces an orphan with a new claim if it is still there (CONFIRM compares the token and sets): null, or who holds it now.
  const takeOver = async (name: string, orphan: string, claim: string): Promise<string | null> => {
    const token = orphan.replace(/^\?/, '').split(' ')[0] ?? '';
    return (await redis.eval(CONFIRM, 1, name, token, claim, String(LEASE_TTL_MS))) === 1 ? null : orphan;
  };
  const check = async () => {
    const list = [...held];
    const lost = (await redis.eval(CHECK, 1 + list.length, liveness, ...list.map((h) => LEASE_PREFIX + h.key), livenessTtl, String(LEASE_TTL_MS), ...list.map(value))) as number[];
    for (const i of lost) list[i - 1]?.lost.abort(new Error(`lease ${list[i - 1]?.key} lost to another holder`));
  };
  const beat = async () => {
    beats++;
    if (beats % LEASE_REFRESH_BEATS === 0 || (await redis.pexpire(liveness, Number(livenessTtl))) !== 1) await check();
  };
  // Releases no replica acknowledged (name → token): a failover may bring them back, so they are sent again once.
  const unsure = new Map<string, string>();
  // a new connection may reach a server that lost the last writes (a failover's promoted replica, a restart)
  redis.on('ready', () => {
    if (held.size > 0) check().catch(() => { /* the next beat tries again */ });
    for (const [name, token] of unsure) redis.eval(RELEASE, 1, name, token).then(() => unsure.delete(name), () => undefined);
  });
  const start = () => {
    if (timer) return;
    timer = setInterval(() => { beat().catch(() => { /* Redis unreachable: the next beat tries again */ }); }, heartbeatMs);
    timer.unref();
  };
  const stop = () => {
    if (held.size > 0 || !timer) return;
    clearInterval(timer);
    timer = undefined;
  };
  return {
    async acquire(key: string, holder: string): Promise<{ lease: Lease } | { held: LeaseHeld }> {
      const h: Held = { key, token: randomUUID(), rest: `${worker} ${holder}`, mark: '?', lost: new AbortController() };
      const name = LEASE_PREFIX + key;
      let other = (await redis.eval(ACQUIRE, 2, name, liveness, value(h), String(LEASE_TTL_MS), livenessTtl, WORKER_PREFIX)) as string | null;
      if (other !== null && ownOrphan(other)) other = await takeOver(name, other, value(h));
      if (other !== null) return { held: await whoHolds(redis, other) };
      held.add(h);
      start();
      return {
        lease: {
          lost: h.lost.signal,
          async confirm(waitMs) {
            if (h.mark === '') return true;
            if (waitMs > 0) await sleep(waitMs, undefined, { signal: h.lost.signal }).catch(() => undefined);
            if (h.lost.signal.aborted) return false;
            const ok = (await redis.eval(CONFIRM, 1, name, h.token, `${h.token} ${h.rest}`, String(LEASE_TTL_MS))) === 1;
            if (!ok) {
              h.lost.abort(new Error(`lease ${key} taken back by its live holder`));
              return false;
            }
            h.mark = '';
            if (await replicated()) return true;
            throw new WaitingError('LeaseUnreplicated', `lease ${key} not confirmed: no Redis replica acknowledged the last writes within ${waitReplicaMs} ms (a failover may be under way)`, heartbeatMs * 2);
          },
          async release() {
            held.delete(h);
            stop();
            const sure = await redis.eval(RELEASE, 1, name, h.token).then(replicated).catch(() => false);
            if (sure) unsure.delete(name);
            else unsure.set(name, h.token);
          },
        },
      };
    },
  };
}

// Who holds a lease (its holder part) and how long its worker has left to beat.
async function whoHolds(redis: Redis, value: string): Promise<LeaseHeld> {
  const [, worker = '', holder = 'unknown'] = value.replace(/^\?/, '').split(' ');
  const pttl = await redis.pttl(WORKER_PREFIX + worker).catch(() => 0);
  return { holder, expiresInMs: Math.max(pttl, 0) };
}
