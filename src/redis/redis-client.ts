import { readFileSync } from 'node:fs';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import type { ConnectionOptions } from 'bullmq';
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import type { RedisTarget, RedisTls } from './redis-target.ts';

// A connection to Redis, whatever its topology: the commands Capstan uses exist on both.
export type RedisClient = Redis | Cluster;

type ReadFile = (path: string) => string;
const readText: ReadFile = (path) => readFileSync(path, 'utf8');

// ioredis TLS options from the target's files: the CA replaces the system's, the client certificate is offered.
export function tlsOptions(tls: RedisTls, readFile: ReadFile = readText): TlsOptions {
  return {
    ...(tls.caFile ? { ca: [readFile(tls.caFile)] } : {}),
    ...(tls.certFile ? { cert: readFile(tls.certFile) } : {}),
    ...(tls.keyFile ? { key: readFile(tls.keyFile) } : {}),
  };
}

// After a Sentinel failover the old master may answer writes with READONLY until the connection is moved: reconnect
// (to the master the Sentinels name now) and send the command again.
export function reconnectOnReadonly(err: Error): 2 | false {
  return err.message.startsWith('READONLY') ? 2 : false;
}

// The ioredis options of a single Redis or a Sentinel-managed master (not a Cluster: see clusterOptions). Retries of
// a command are unbounded unless `maxRetriesPerRequest` is given, as BullMQ's blocking connections need.
export function ioredisOptions(t: RedisTarget, extra: Pick<RedisOptions, 'maxRetriesPerRequest' | 'lazyConnect'> = {}, readFile: ReadFile = readText): Omit<RedisOptions, 'retryStrategy'> {
  const tls = t.tls ? tlsOptions(t.tls, readFile) : undefined;
  const common: Omit<RedisOptions, 'retryStrategy'> = {
    ...(t.db !== undefined ? { db: t.db } : {}),
    ...(t.username ? { username: t.username } : {}),
    ...(t.password ? { password: t.password } : {}),
    ...(tls ? { tls } : {}),
    maxRetriesPerRequest: null,
    ...extra,
  };
  if (t.topology === 'single') return { host: t.nodes[0]?.host, port: t.nodes[0]?.port, ...common };
  if (t.topology === 'sentinel') {
    return {
      sentinels: t.nodes.map((n) => ({ host: n.host, port: n.port })),
      name: t.sentinelMaster,
      ...(t.sentinelPassword ? { sentinelPassword: t.sentinelPassword } : {}),
      ...(tls ? { enableTLSForSentinelMode: true, sentinelTLS: tls } : {}),
      failoverDetector: true, // the Sentinels' +switch-master moves connections at once, not on their next error
      reconnectOnError: reconnectOnReadonly,
      ...common,
    };
  }
  throw new Error('a Redis Cluster takes clusterOptions');
}

// The ioredis Cluster options: each node's login and TLS go under redisOptions.
export function clusterOptions(t: RedisTarget, extra: Pick<RedisOptions, 'maxRetriesPerRequest' | 'lazyConnect'> = {}, readFile: ReadFile = readText): ClusterOptions {
  const tls = t.tls ? tlsOptions(t.tls, readFile) : undefined;
  const { lazyConnect, maxRetriesPerRequest = null } = extra;
  return {
    ...(lazyConnect ? { lazyConnect } : {}),
    redisOptions: {
      ...(t.username ? { username: t.username } : {}),
      ...(t.password ? { password: t.password } : {}),
      ...(tls ? { tls } : {}),
      maxRetriesPerRequest,
    },
  };
}

// A new connection for Capstan's own keys (release leases, the image cache).
export function connectRedis(t: RedisTarget, extra: Pick<RedisOptions, 'maxRetriesPerRequest' | 'lazyConnect'> = {}): RedisClient {
  if (t.topology === 'cluster') return new Cluster(t.nodes.map((n) => ({ host: n.host, port: n.port })), clusterOptions(t, extra));
  return new Redis(ioredisOptions(t, extra));
}

// What BullMQ's Queue and Worker take: options it opens its own connections with, or for a Cluster an ioredis
// Cluster it duplicates (BullMQ needs the instance to know it is a Cluster), and the prefix of its keys. close()
// ends what was opened here, after the queue or worker is closed.
export function bullConnection(t: RedisTarget): { connection: ConnectionOptions; prefix: string; close: () => Promise<void> } {
  if (t.topology !== 'cluster') return { connection: ioredisOptions(t), prefix: t.queuePrefix, close: async () => undefined };
  const cluster = connectRedis(t, { lazyConnect: true });
  return { connection: cluster, prefix: t.queuePrefix, close: async () => { cluster.disconnect(); } };
}
