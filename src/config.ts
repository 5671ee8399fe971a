import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from './config-error.ts';
import type { SecurityConfig } from './security-config.ts';

export type { SecurityConfig } from './security-config.ts';
import { FLAGS, type FlagName } from './config-flags.ts';
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
  readonly apiToken: string | undefined; // required on every route but /metrics, /healthz, /readyz unless the listener is loopback
  readonly security: SecurityConfig;
  readonly gitPollIntervalMs: number;
  readonly gitTimeoutMs: number;
  readonly gitDefaultRef: string;
  readonly updateChartDeps: boolean;
  readonly sync: SyncConfig; // the flags' source (--git-url), and the defaults of --config entries
  readonly syncSources: readonly SyncConfig[];
  readonly leaderElectionNamespace: string;
  readonly syncState: 'git' | 'secret';
  readonly gitSecret: { readonly namespace: string; readonly name: string } | undefined; // what the daemon syncs: --config's sources, else --git-url's
  readonly image: ImageConfig;
}

// `capstan daemon`: registry scanning and image automation (fluxd's --registry-* and --automation-interval).
export interface ImageConfig {
  readonly disabled: boolean;
  readonly intervalMs: number;
  readonly includeImages: readonly string[]; // globs on the repository name (domain/path); empty = all
  readonly excludeImages: readonly string[];
  readonly insecureHosts: readonly string[];
  readonly rps: number;
  readonly burst: number;
  readonly platform: string; // os/architecture[/variant]
  readonly dockerConfig: string | undefined;
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
  readonly pushBranch: string | undefined; // image updates go to this branch; default gitBranch
}


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

// A secret flag's value: --NAME or CAPSTAN_NAME, else the contents of --NAME-file (trailing newline trimmed), so
// a secret need never be in the process list. An unreadable or empty file is a bad flag.
function secretFlag(flag: 'dashboard-token' | 'api-token' | 'webhook-secret', get: (flag: FlagName) => string | undefined): string | undefined {
  const direct = get(flag);
  const file = get(`${flag}-file`);
  if (direct !== undefined && file !== undefined) throw new ConfigError(`${flag}-file`, `give --${flag} or --${flag}-file, not both`);
  if (file === undefined) return direct;
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new ConfigError(`${flag}-file`, `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (!text) throw new ConfigError(`${flag}-file`, `${file} is empty`);
  return text;
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
    webhookSecret: secretFlag('webhook-secret', get),
    syncTag: get('git-sync-tag') ?? 'flux-sync',
    readonly: parseBool('git-readonly', get('git-readonly') ?? 'false'),
    allowNamespaces: Object.freeze(list('k8s-allow-namespace')),
    pushBranch: get('git-push-branch'),
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
    dashboardToken: secretFlag('dashboard-token', get),
    apiToken: secretFlag('api-token', get),
    security: Object.freeze({
      allowCrossNamespaceRefs: parseBool('allow-cross-namespace-refs', get('allow-cross-namespace-refs') ?? 'false'),
      allowInsecureCredentials: parseBool('allow-insecure-credentials', get('allow-insecure-credentials') ?? 'false'),
      allowPrivateNetworks: parseBool('allow-private-networks', get('allow-private-networks') ?? 'false'),
      allowFileUrls: parseBool('allow-file-urls', get('allow-file-urls') ?? 'false'),
    }),
    gitPollIntervalMs: parseDuration('git-poll-interval', get('git-poll-interval') ?? '5m'),
    gitTimeoutMs: parseDuration('git-timeout', get('git-timeout') ?? '20s'),
    gitDefaultRef: get('git-default-ref') ?? 'master',
    updateChartDeps: parseBool('update-chart-deps', get('update-chart-deps') ?? 'true'),
    sync: flagSource,
    leaderElectionNamespace: get('leader-election-namespace') ?? (env.POD_NAMESPACE || 'default'),
    syncState,
    gitSecret: secretName ? Object.freeze({ namespace: get('k8s-secret-namespace') ?? (env.POD_NAMESPACE || 'default'), name: secretName }) : undefined,
    image: imageConfig(get, list),
    syncSources: Object.freeze(configFile ? readSourcesFile(configFile).map((e) => Object.freeze({
      ...flagSource, ...e, cacheDir: join(flagSource.cacheDir, e.name),
      gitBranch: e.gitBranch ?? flagSource.gitBranch, pushBranch: e.pushBranch, gitPaths: Object.freeze(e.gitPaths ?? flagSource.gitPaths),
    })) : gitUrl ? [flagSource] : []),
  });
}

// The registry flags; the interval takes fluxd's deprecated --registry-poll-interval when --automation-interval is unset.
function imageConfig(get: (flag: FlagName) => string | undefined, list: (flag: FlagName) => string[]): ImageConfig {
  const interval = get('automation-interval') ? 'automation-interval' : get('registry-poll-interval') ? 'registry-poll-interval' : undefined;
  const platform = get('registry-platform') ?? 'linux/amd64';
  if (!/^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/.test(platform)) throw new ConfigError('registry-platform', `expected os/architecture[/variant], got "${platform}"`);
  const rps = Number(get('registry-rps') ?? '50');
  if (!(rps > 0)) throw new ConfigError('registry-rps', 'expected a number above 0');
  return Object.freeze({
    disabled: parseBool('registry-disable-scanning', get('registry-disable-scanning') ?? 'false'),
    intervalMs: interval ? parseDuration(interval, get(interval) ?? '') : 300_000,
    includeImages: Object.freeze(list('registry-include-image')),
    excludeImages: Object.freeze(list('registry-exclude-image').length ? list('registry-exclude-image') : ['k8s.gcr.io/*']),
    insecureHosts: Object.freeze(list('registry-insecure-host')),
    rps,
    burst: positiveInt('registry-burst', get('registry-burst') ?? '10'),
    platform,
    dockerConfig: get('docker-config'),
  });
}
