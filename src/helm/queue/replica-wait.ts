import { Cluster } from 'ioredis';
import type { RedisClient as Redis } from '../../redis/redis-client.ts';

// How many replicas `INFO replication` says are connected to the server answering (0 for a replica itself, or
// when the field is missing).
export function connectedReplicas(info: string): number {
  const m = /^connected_slaves:(\d+)\s*$/m.exec(info);
  return m ? Number(m[1]) : 0;
}

const RECHECK_MS = 10_000; // replicas come and go (a failover, a replica restarted): INFO again after this long

// Waits (at most `timeoutMs`) until a replica has every write this connection made before, when the master has
// replicas: Redis replicates asynchronously, so a Sentinel failover loses the last writes, and a release lease
// confirmed just before it would be gone while its holder runs helm. Without replicas it costs nothing; on a
// replica that lags past the timeout it gives up waiting (the lease is then only as safe as asynchronous
// replication). Not for a Redis Cluster, whose connection has no single master to ask.
export function replicaWaiter(redis: Redis, timeoutMs: number, now: () => number = Date.now): () => Promise<void> {
  let known: { replicas: number; at: number } | undefined;
  return async () => {
    if (redis instanceof Cluster) return;
    if (!known || now() - known.at > RECHECK_MS) known = { replicas: connectedReplicas(await redis.info('replication')), at: now() };
    if (known.replicas > 0) await redis.wait(1, timeoutMs);
  };
}
