import { ConfigError } from '../config-error.ts';
import { parseAddressList, type RedisAddress } from './redis-address.ts';

export type { RedisAddress } from './redis-address.ts';

// How Capstan reaches Redis: one server (redis://, rediss://), a master found through Sentinels, or a Cluster.
export const RedisTopology = { single: 'single', sentinel: 'sentinel', cluster: 'cluster' } as const;
export type RedisTopology = (typeof RedisTopology)[keyof typeof RedisTopology];

// TLS of every Redis (and Sentinel) connection; files are paths, read when a connection is built.
export interface RedisTls { readonly caFile?: string; readonly certFile?: string; readonly keyFile?: string }

// Where Redis is and how to log in: a value of the Config, never logged whole (describeRedis is what may be shown).
export interface RedisTarget {
  readonly topology: RedisTopology;
  readonly nodes: readonly RedisAddress[]; // the server; or the Sentinels; or the Cluster's seed nodes
  readonly sentinelMaster?: string;
  readonly db?: number; // single and sentinel only: a Cluster has database 0 alone
  readonly username?: string;
  readonly password?: string;
  readonly sentinelPassword?: string;
  readonly tls?: RedisTls; // undefined: plain TCP
  readonly queuePrefix: string; // BullMQ's key prefix: a hash tag on a Cluster, so each queue's keys share a slot
}

// What the flags say, before it is checked: the strings as given (undefined when not given), passwords read.
export interface RedisInput {
  url?: string; // --redis-url, when given
  sentinels?: string; // --redis-sentinel, comma-separated
  sentinelMaster?: string;
  cluster?: string; // --redis-cluster, comma-separated
  tls?: boolean;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  username?: string;
  password?: string;
  sentinelPassword?: string;
  queuePrefix?: string;
}

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
// BullMQ's own default, kept so an upgrade finds the queue it left; a Cluster needs a hash tag instead.
export const DEFAULT_QUEUE_PREFIX = 'bull';
export const DEFAULT_CLUSTER_QUEUE_PREFIX = '{capstan}';

const SCHEMES: Record<string, { topology: RedisTopology; tls: boolean }> = {
  'redis:': { topology: 'single', tls: false },
  'rediss:': { topology: 'single', tls: true },
  'redis+sentinel:': { topology: 'sentinel', tls: false },
  'rediss+sentinel:': { topology: 'sentinel', tls: true },
};

// Checks the flags against each other and turns them into a RedisTarget; a ConfigError names the flag at fault.
export function redisTarget(input: RedisInput): RedisTarget {
  const given = [input.url && 'redis-url', input.sentinels && 'redis-sentinel', input.cluster && 'redis-cluster'].filter(Boolean);
  if (given.length > 1) throw new ConfigError(String(given[1]), `give one of --redis-url, --redis-sentinel and --redis-cluster (or their variables), not ${given.map((g) => `--${g}`).join(' and ')}`);
  const base = input.cluster ? clusterBase(input.cluster) : input.sentinels ? sentinelBase(input) : urlBase(input.url ?? DEFAULT_REDIS_URL);
  if (base.topology !== 'sentinel' && input.sentinelMaster) throw new ConfigError('redis-sentinel-master', 'needs --redis-sentinel (or a redis+sentinel:// URL)');
  if (base.topology !== 'sentinel' && input.sentinelPassword) throw new ConfigError('redis-sentinel-password-file', 'needs --redis-sentinel (or a redis+sentinel:// URL)');
  if (base.password && input.password) throw new ConfigError('redis-password-file', 'the --redis-url already holds a password: give one of them');
  if (base.username && input.username) throw new ConfigError('redis-username', 'the --redis-url already holds a user name: give one of them');
  const tls = tlsOf(input, base.tls);
  const queuePrefix = queuePrefixOf(input.queuePrefix, base.topology);
  const username = base.username ?? input.username;
  const password = base.password ?? input.password;
  return Object.freeze({
    topology: base.topology,
    nodes: Object.freeze(base.nodes),
    ...(base.sentinelMaster ? { sentinelMaster: base.sentinelMaster } : {}),
    ...(base.db !== undefined ? { db: base.db } : {}),
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(input.sentinelPassword ? { sentinelPassword: input.sentinelPassword } : {}),
    ...(tls ? { tls: Object.freeze(tls) } : {}),
    queuePrefix,
  });
}

interface Base { topology: RedisTopology; nodes: RedisAddress[]; tls: boolean; sentinelMaster?: string; db?: number; username?: string; password?: string }

// redis://[user[:password]@]host[:port][/db], rediss://…, redis+sentinel://[user[:password]@]host:port,…/master[/db].
function urlBase(url: string): Base {
  const m = /^([a-z+]+:)\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?#]*)(?:\/([^?#]*))?$/.exec(url);
  const scheme = m ? SCHEMES[m[1] ?? ''] : undefined;
  if (!m || !scheme) throw new ConfigError('redis-url', `expected redis://, rediss://, redis+sentinel:// or rediss+sentinel:// and a host, got "${redactUrl(url)}"`);
  const [, , user, pass, hosts = '', path = ''] = m;
  const sentinel = scheme.topology === 'sentinel';
  const nodes = parseAddressList('redis-url', hosts, sentinel ? 26379 : 6379);
  if (!sentinel && nodes.length !== 1) throw new ConfigError('redis-url', `names ${nodes.length} hosts: one Redis, or redis+sentinel:// for Sentinels (--redis-cluster for a Cluster)`);
  const parts = path.split('/').filter(Boolean);
  const [master, dbText] = sentinel ? parts : [undefined, parts[0]];
  if (sentinel && !master) throw new ConfigError('redis-url', 'a redis+sentinel:// URL names the master after the hosts: redis+sentinel://host:26379,host:26379/mymaster');
  if (parts.length > (sentinel ? 2 : 1)) throw new ConfigError('redis-url', `unexpected path "/${path}"`);
  const db = dbText === undefined ? undefined : Number(dbText);
  if (db !== undefined && !(Number.isInteger(db) && db >= 0)) throw new ConfigError('redis-url', `the database must be a number, got "${dbText}"`);
  return {
    topology: scheme.topology, nodes, tls: scheme.tls,
    ...(master ? { sentinelMaster: decodeURIComponent(master) } : {}),
    ...(db !== undefined ? { db } : {}),
    ...(user ? { username: decodeURIComponent(user) } : {}),
    ...(pass ? { password: decodeURIComponent(pass) } : {}),
  };
}

function sentinelBase(input: RedisInput): Base {
  if (!input.sentinelMaster) throw new ConfigError('redis-sentinel-master', 'is required with --redis-sentinel: the name the Sentinels monitor the master by');
  return { topology: 'sentinel', nodes: parseAddressList('redis-sentinel', input.sentinels ?? '', 26379), tls: false, sentinelMaster: input.sentinelMaster };
}

function clusterBase(seeds: string): Base {
  return { topology: 'cluster', nodes: parseAddressList('redis-cluster', seeds, 6379), tls: false };
}

function tlsOf(input: RedisInput, fromScheme: boolean): RedisTls | undefined {
  const on = fromScheme || input.tls === true;
  const files = { caFile: input.caFile, certFile: input.certFile, keyFile: input.keyFile };
  const flag = (['caFile', 'certFile', 'keyFile'] as const).find((k) => files[k]);
  if (!on) {
    if (flag) throw new ConfigError(`redis-${flag.replace('File', '')}-file`, 'needs TLS: a rediss:// URL, or --redis-tls with --redis-sentinel or --redis-cluster');
    return undefined;
  }
  if (Boolean(input.certFile) !== Boolean(input.keyFile)) throw new ConfigError(input.certFile ? 'redis-key-file' : 'redis-cert-file', 'a client certificate needs both --redis-cert-file and --redis-key-file');
  return Object.fromEntries(Object.entries(files).filter(([, v]) => v)) as RedisTls;
}

function queuePrefixOf(given: string | undefined, topology: RedisTopology): string {
  if (given === undefined || given === '') return topology === 'cluster' ? DEFAULT_CLUSTER_QUEUE_PREFIX : DEFAULT_QUEUE_PREFIX;
  if (given.includes(':')) throw new ConfigError('queue-prefix', `must not contain ":", got "${given}"`);
  if (topology === 'cluster' && !/\{[^{}]+\}/.test(given)) throw new ConfigError('queue-prefix', `a Redis Cluster needs a hash tag in the prefix so each queue's keys share a slot, e.g. {capstan}; got "${given}"`);
  return given;
}

// The URL with any password replaced by "***", for messages.
export function redactUrl(url: string): string {
  return url.replace(/^([^/]*\/\/[^:@/]*:)[^@/]*@/, '$1***@');
}

// Where Redis is, for a log line or an error: topology, hosts, master, TLS; never a user's password.
export function describeRedis(t: RedisTarget): string {
  const hosts = t.nodes.map((n) => (n.host.includes(':') ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`)).join(',');
  const what = t.topology === 'sentinel' ? `master ${t.sentinelMaster} via Sentinels ${hosts}` : t.topology === 'cluster' ? `Cluster seeds ${hosts}` : hosts;
  return `${what}${t.db ? ` db ${t.db}` : ''}${t.tls ? ' over TLS' : ''}${t.password ? ' with a password' : ''}, queue prefix ${t.queuePrefix}`;
}
