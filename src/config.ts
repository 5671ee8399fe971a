import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from './config-error.ts';
import { locateHelm } from './helm/binary.ts';
import type { GitAuth } from './git/run-git.ts';
import { DEFAULT_RELEASE_QUEUE } from './helm/queue/release-job.ts';
import { readSourcesFile } from './sync/sources-file.ts';

// The roles of the one `capstan` executable (see DESIGN.md, Processes).
export const Role = {
  daemon: 'daemon',
  operator: 'operator',
  worker: 'worker',
  run: 'run',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

export const LogFormat = { json: 'json', text: 'text' } as const;
export type LogFormat = (typeof LogFormat)[keyof typeof LogFormat];

// Typed, frozen configuration; the defaults are documented beside each flag in FLAGS.
export interface Config {
  readonly role: Role;
  readonly kubeconfig: string | undefined;
  readonly redisUrl: string;
  readonly listen: { readonly host: string; readonly port: number };
  readonly logFormat: LogFormat;
  readonly logLevel: string;
  readonly concurrency: number;
  readonly helmBinary: string; // empty for roles that run no helm (daemon)
  readonly helmCacheDir: string | undefined;
  readonly allowNamespaces: readonly string[];
  readonly chartsSyncIntervalMs: number;
  readonly debounceMs: number;
  readonly retryBackoffMs: number;
  readonly chartCacheDir: string;
  readonly queueName: string;
  readonly dashboardToken: string | undefined;
  readonly gitPollIntervalMs: number;
  readonly gitTimeoutMs: number;
  readonly gitDefaultRef: string;
  readonly updateChartDeps: boolean;
  readonly sync: SyncConfig; // the flags' source (--git-url), and the defaults of --config entries
  readonly syncSources: readonly SyncConfig[];
  readonly leaderElectionNamespace: string;
  readonly syncState: 'git' | 'secret';
  readonly gitSecret: { readonly namespace: string; readonly name: string } | undefined; // what the daemon syncs: --config's sources, else --git-url's
}

// `capstan daemon`: fluxd's flags for one Git source.
export interface SyncConfig {
  readonly name: string;
  readonly syncTimeoutMs: number;
  readonly gitUser: string;
  readonly gitEmail: string;
  readonly ciSkipMessage: string | undefined; // set when --git-ci-skip
  readonly gitPollIntervalMs: number;
  readonly gitUrl: string | undefined;
  readonly auth?: GitAuth;
  readonly ssh?: { readonly keyFile: string; readonly knownHostsFile?: string };
  readonly gitBranch: string;
  readonly gitPaths: readonly string[];
  readonly syncIntervalMs: number;
  readonly garbageCollection: boolean;
  readonly garbageCollectionDry: boolean;
  readonly gcBudgetRatio: number;
  readonly defaultNamespace: string;
  readonly cacheDir: string;
  readonly webhookSecret: string | undefined;
  readonly syncTag: string;
  readonly readonly: boolean;
  readonly allowNamespaces: readonly string[];
}

// Every flag, its default, and (implicitly) its environment variable CAPSTAN_<FLAG>.
const FLAGS = {
  kubeconfig: { type: 'string' }, // default: $KUBECONFIG, then in-cluster
  'redis-url': { type: 'string' }, // default: $REDIS_URL, then redis://127.0.0.1:6379
  listen: { type: 'string' }, // default :3030, as fluxd and the Helm Operator
  'log-format': { type: 'string' }, // json | text, default json
  'log-level': { type: 'string' }, // pino level, default info
  concurrency: { type: 'string' }, // worker: jobs run at once per process, default 4
  'helm-binary': { type: 'string' }, // worker: default the pinned build (helm-bin/), then helm on PATH
  'helm-cache-dir': { type: 'string' }, // worker: helm's cache/config/data home, default helm's own
  'allow-namespace': { type: 'string', multiple: true }, // operator: namespaces to watch (repeatable), default all
  'charts-sync-interval': { type: 'string' }, // operator: resync of every release, default 3m
  debounce: { type: 'string' }, // operator: delay that coalesces bursts of changes, default 1s
  'retry-backoff': { type: 'string' }, // worker: first retry delay of a failed release, doubling to 10m, default 10s
  'chart-cache-dir': { type: 'string' }, // worker: downloaded charts by digest, default $TMPDIR/capstan-charts
  'git-poll-interval': { type: 'string' }, // daemon: fetch of the repo; operator: poll of Git chart sources; default 5m
  'git-timeout': { type: 'string' }, // operator+worker: one git command, default 20s
  'git-default-ref': { type: 'string' }, // chart.ref when unset, default master (as the Helm Operator)
  'update-chart-deps': { type: 'string' }, // worker: `helm dependency build` for Git charts, default true
  'dashboard-token': { type: 'string' }, // operator: token for the queue dashboard; without one it is read-only
  'git-url': { type: 'string' }, // daemon: the repository to sync (fluxd's flag)
  'git-branch': { type: 'string' }, // daemon: default master, as fluxd
  'git-path': { type: 'string', multiple: true }, // daemon: paths in the repo to sync (repeatable), default all
  'sync-interval': { type: 'string' }, // daemon: sync at least this often, default 5m
  'sync-garbage-collection': { type: 'boolean' }, // daemon: delete objects removed from Git, default false (fluxd)
  'sync-garbage-collection-dry': { type: 'boolean' }, // daemon: log what GC would delete, default false
  'sync-garbage-collection-budget': { type: 'string' }, // daemon: share of a source's objects one sweep may delete, default 0.25
  config: { type: 'string' }, // daemon: a YAML file listing several repositories (see sync/sources-file.ts)
  'git-ssh-key': { type: 'string' }, // daemon: private key (deploy key) for ssh URLs, default ssh's own
  'git-ssh-known-hosts': { type: 'string' }, // daemon: known_hosts for ssh; unset = trust on first use
  'sync-timeout': { type: 'string' }, // daemon: bound on one sync's applies, default 5m; what is left waits for the next
  'git-user': { type: 'string' }, // daemon: committer of the sync tag (annotated, as fluxd's), default Capstan
  'git-email': { type: 'string' }, // daemon: its email, default capstan@localhost
  'git-ci-skip': { type: 'boolean' }, // daemon: append --git-ci-skip-message to what Capstan writes to Git
  'git-ci-skip-message': { type: 'string' }, // default "[ci skip]", as fluxd
  'sync-state': { type: 'string' }, // daemon: git (the sync tag) or secret (an annotation on --k8s-secret-name)
  'k8s-secret-name': { type: 'string' }, // daemon: Secret with the SSH key (`identity`) and, with --sync-state secret, the marker
  'k8s-secret-namespace': { type: 'string' }, // daemon: its namespace, default $POD_NAMESPACE or default
  'git-sync-tag': { type: 'string' }, // daemon: tag marking the last fully synced commit, default flux-sync
  'git-readonly': { type: 'boolean' }, // daemon: never push (the sync tag is then kept in memory only)
  'webhook-secret': { type: 'string' }, // daemon: shared secret of the push webhook at /hooks/git; unset = no webhook
  'leader-election-namespace': { type: 'string' }, // daemon: namespace of its Leases, default $POD_NAMESPACE or default
  'k8s-allow-namespace': { type: 'string', multiple: true }, // daemon: only sync these namespaces (repeatable)
  'k8s-default-namespace': { type: 'string' }, // daemon: namespace for objects that name none, default "default"
  'queue-name': { type: 'string' }, // operator+worker: the BullMQ queue, default capstan-helm-releases
} as const;
type FlagName = keyof typeof FLAGS;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function envName(flag: string): string {
  return `CAPSTAN_${flag.toUpperCase().replaceAll('-', '_')}`;
}

// Parses `host:port` or `:port` (all interfaces, as fluxd's --listen).
export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[?([^\]]*)\]?)?:(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new ConfigError('listen', `expected [host]:port, got "${value}"`);
  return { host: m[1] || '0.0.0.0', port };
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

// Parses a Go-style duration such as 500ms, 30s, 3m, 1h30m into milliseconds.
export function parseDuration(flag: string, value: string): number {
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value) {
    throw new ConfigError(flag, `expected a duration such as 30s, 3m or 1h, got "${value}"`);
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * (UNITS[p[2] ?? 's'] ?? 1000), 0);
}

function parseBool(flag: FlagName, value: string): boolean {
  if (value === 'true' || value === 'false') return value === 'true';
  throw new ConfigError(flag, `expected true or false, got "${value}"`);
}

function positiveInt(flag: FlagName, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(flag, `expected a positive integer, got "${value}"`);
  return n;
}

// fluxd's boolean flags are written `--flag`, `--flag=true` or `--flag=false`; parseArgs takes only the first.
function normalizeBooleans(args: readonly string[]): string[] {
  const booleans = Object.entries(FLAGS).filter(([, o]) => o.type === 'boolean').map(([name]) => `--${name}`);
  return args.flatMap((a) => {
    const [flag, value] = a.split('=', 2);
    if (!flag || !booleans.includes(flag) || value === undefined) return [a];
    if (value === 'true') return [flag];
    if (value === 'false') return [];
    throw new ConfigError(flag.slice(2), `expected true or false, got "${value}"`);
  });
}

// Reads flags (which win) and CAPSTAN_* environment variables into a Config. Throws ConfigError on bad input.
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): Config {
  const [roleArg, ...rest] = argv;
  if (!roleArg || !Object.hasOwn(Role, roleArg)) {
    throw new ConfigError('role', `expected one of ${Object.keys(Role).join(', ')}, got "${roleArg ?? ''}"`);
  }
  let values: Partial<Record<FlagName, string | string[] | boolean>>;
  const args = normalizeBooleans(rest);
  try {
    values = parseArgs({ args, options: FLAGS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    const flag = /'(--[^']+)'/.exec(String(err))?.[1]?.replace(/^--/, '') ?? 'args';
    throw new ConfigError(flag, (err as Error).message, { cause: err });
  }
  const get = (flag: FlagName): string | undefined => {
    const v = values[flag];
    if (typeof v === 'boolean') return String(v);
    return (Array.isArray(v) ? v.at(-1) : v) ?? (env[envName(flag)] || undefined);
  };
  const list = (flag: FlagName): string[] => {
    const v = values[flag];
    if (Array.isArray(v)) return v.flatMap((x) => x.split(',')).filter(Boolean);
    if (typeof v === 'boolean') return [];
    return (env[envName(flag)] ?? '').split(',').filter(Boolean);
  };

  const logFormat = get('log-format') ?? LogFormat.json;
  if (!Object.hasOwn(LogFormat, logFormat)) throw new ConfigError('log-format', `expected json or text, got "${logFormat}"`);
  const logLevel = get('log-level') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('log-level', `expected one of ${LOG_LEVELS.join(', ')}`);
  const needsHelm = roleArg === Role.worker || roleArg === Role.run;
  const helmBinary = needsHelm ? locateHelm(get('helm-binary'), env) : '';
  if (helmBinary === undefined) throw new ConfigError('helm-binary', 'no helm found: run helm-bin/build.sh or set --helm-binary');
  const gitUrl = get('git-url');
  const configFile = get('config');
  if (roleArg === Role.daemon && !gitUrl && !configFile) throw new ConfigError('git-url', 'is required for capstan daemon (or --config)');
  const budget = Number(get('sync-garbage-collection-budget') ?? '0.25');
  if (!(budget >= 0 && budget <= 1)) throw new ConfigError('sync-garbage-collection-budget', 'expected a number from 0 to 1');

  const syncState = get('sync-state') ?? 'git';
  if (syncState !== 'git' && syncState !== 'secret') throw new ConfigError('sync-state', `expected git or secret, got "${syncState}"`);
  const secretName = get('k8s-secret-name');
  if (syncState === 'secret' && !secretName) throw new ConfigError('sync-state', 'secret needs --k8s-secret-name');
  const sshKey = get('git-ssh-key');
  const knownHosts = get('git-ssh-known-hosts');
  if (knownHosts && !sshKey) throw new ConfigError('git-ssh-known-hosts', 'needs --git-ssh-key');
  const flagSource: SyncConfig = Object.freeze({
    name: 'default',
    gitUrl,
    ...(sshKey ? { ssh: Object.freeze({ keyFile: sshKey, ...(knownHosts ? { knownHostsFile: knownHosts } : {}) }) } : {}),
    gitBranch: get('git-branch') ?? 'master',
    gitPaths: Object.freeze(list('git-path')),
    syncIntervalMs: parseDuration('sync-interval', get('sync-interval') ?? '5m'),
    gitPollIntervalMs: parseDuration('git-poll-interval', get('git-poll-interval') ?? '5m'),
    syncTimeoutMs: parseDuration('sync-timeout', get('sync-timeout') ?? '5m'),
    gitUser: get('git-user') ?? 'Capstan',
    gitEmail: get('git-email') ?? 'capstan@localhost',
    ciSkipMessage: parseBool('git-ci-skip', get('git-ci-skip') ?? 'false') ? (get('git-ci-skip-message') ?? '[ci skip]') : undefined,
    garbageCollection: parseBool('sync-garbage-collection', get('sync-garbage-collection') ?? 'false'),
    garbageCollectionDry: parseBool('sync-garbage-collection-dry', get('sync-garbage-collection-dry') ?? 'false'),
    gcBudgetRatio: budget,
    defaultNamespace: get('k8s-default-namespace') ?? 'default',
    webhookSecret: get('webhook-secret'),
    syncTag: get('git-sync-tag') ?? 'flux-sync',
    readonly: parseBool('git-readonly', get('git-readonly') ?? 'false'),
    allowNamespaces: Object.freeze(list('k8s-allow-namespace')),
    cacheDir: join(get('chart-cache-dir') ?? join(tmpdir(), 'capstan-charts'), 'sync'),
  });

  return Object.freeze({
    role: roleArg as Role,
    kubeconfig: get('kubeconfig') ?? (env.KUBECONFIG || undefined),
    redisUrl: get('redis-url') ?? (env.REDIS_URL || 'redis://127.0.0.1:6379'),
    listen: Object.freeze(parseListen(get('listen') ?? ':3030')),
    logFormat: logFormat as LogFormat,
    logLevel,
    concurrency: positiveInt('concurrency', get('concurrency') ?? '4'),
    helmBinary,
    helmCacheDir: get('helm-cache-dir'),
    allowNamespaces: Object.freeze(list('allow-namespace')),
    chartsSyncIntervalMs: parseDuration('charts-sync-interval', get('charts-sync-interval') ?? '3m'),
    debounceMs: parseDuration('debounce', get('debounce') ?? '1s'),
    retryBackoffMs: parseDuration('retry-backoff', get('retry-backoff') ?? '10s'),
    chartCacheDir: get('chart-cache-dir') ?? join(tmpdir(), 'capstan-charts'),
    queueName: get('queue-name') ?? DEFAULT_RELEASE_QUEUE,
    dashboardToken: get('dashboard-token'),
    gitPollIntervalMs: parseDuration('git-poll-interval', get('git-poll-interval') ?? '5m'),
    gitTimeoutMs: parseDuration('git-timeout', get('git-timeout') ?? '20s'),
    gitDefaultRef: get('git-default-ref') ?? 'master',
    updateChartDeps: parseBool('update-chart-deps', get('update-chart-deps') ?? 'true'),
    sync: flagSource,
    leaderElectionNamespace: get('leader-election-namespace') ?? (env.POD_NAMESPACE || 'default'),
    syncState,
    gitSecret: secretName ? Object.freeze({ namespace: get('k8s-secret-namespace') ?? (env.POD_NAMESPACE || 'default'), name: secretName }) : undefined,
    syncSources: Object.freeze(configFile ? readSourcesFile(configFile).map((e) => Object.freeze({
      ...flagSource, ...e, cacheDir: join(flagSource.cacheDir, e.name),
      gitBranch: e.gitBranch ?? flagSource.gitBranch, gitPaths: Object.freeze(e.gitPaths ?? flagSource.gitPaths),
    })) : gitUrl ? [flagSource] : []),
  });
}
