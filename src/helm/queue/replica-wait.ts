import { Cluster } from 'ioredis';
import type { RedisClient as Redis } from '../../redis/redis-client.ts';

// How many replicas `INFO replication` lists as online (in sync and streaming): one still loading the master's
// snapshot (wait_bgsave, send_bulk) is connected but acknowledges nothing yet. 0 for a replica itself.
export function onlineReplicas(info: string): number {
  return info.match(/^slave\d+:.*\bstate=online\b/gm)?.length ?? 0;
}

const RECHECK_MS = 10_000; // replicas come and go (a failover, a replica restarted): INFO again after this long
// After an expected replica failed to acknowledge (a failover promoted it, or it went away), how long writes stay
// unsure while the master has no replica: the time for Sentinels to move every client to the promoted replica.
const UNSURE_MS = 10_000;

// Whether the writes this connection made so far are on a replica too (true), or may be lost by a failover (false).
export type ReplicaWaiter = () => Promise<boolean>;

// Waits (at most `timeoutMs`) until a replica has every write this connection made before, when the master has
// online replicas: Redis replicates asynchronously, so a Sentinel failover loses the last writes, and a release
// lease confirmed just before it would be gone while its holder runs helm. Answers false when an expected replica
// did not acknowledge in time, and for UNSURE_MS after that while the master has no replica (a master whose replica
// was just promoted takes writes that the failover then throws away); INFO is read again after each such failure.
// Without replicas it costs one INFO per 10 s. One WAIT at a time: WAIT blocks the connection, so callers that come
// while one runs share the next, and the heartbeat sent on the same connection waits behind two at most.
// Not for a Redis Cluster, whose connection has no single master to ask (always true).
export function replicaWaiter(redis: Redis, timeoutMs: number, now: () => number = Date.now): ReplicaWaiter {
  let known: { replicas: number; at: number } | undefined;
  let unsureSince: number | undefined;
  const unsure = () => {
    unsureSince ??= now();
    known = undefined; // ask INFO again next time: the replicas, or the master itself, may have changed
    return false;
  };
  const once = async (): Promise<boolean> => {
    if (!known || now() - known.at > RECHECK_MS) {
      const before = known?.replicas ?? 0;
      known = { replicas: onlineReplicas(await redis.info('replication')), at: now() };
      if (known.replicas === 0 && before > 0) unsureSince ??= now();
    }
    if (known.replicas === 0) {
      if (unsureSince !== undefined && now() - unsureSince < UNSURE_MS) return false;
      unsureSince = undefined;
      return true;
    }
    if ((await redis.wait(1, timeoutMs)) < 1) return unsure();
    unsureSince = undefined;
    return true;
  };
  let running: Promise<boolean> | undefined;
  let next: Promise<boolean> | undefined;
  const start = () => {
    running = once().finally(() => { running = undefined; });
    return running;
  };
  return async () => {
    if (redis instanceof Cluster) return true;
    if (!running) return start();
    // a WAIT covers the writes made before it was sent: those made since need the next one
    next ??= running.then(() => undefined, () => undefined).then(() => { next = undefined; return running ?? start(); });
    return next;
  };
}
