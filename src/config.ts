import { parseArgs } from 'node:util';
import { ConfigError } from './config-error.ts';
import { locateHelm } from './helm/binary.ts';

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
  readonly helmBinary: string;
  readonly helmCacheDir: string | undefined;
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

function positiveInt(flag: FlagName, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(flag, `expected a positive integer, got "${value}"`);
  return n;
}

// Reads flags (which win) and CAPSTAN_* environment variables into a Config. Throws ConfigError on bad input.
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): Config {
  const [roleArg, ...rest] = argv;
  if (!roleArg || !Object.hasOwn(Role, roleArg)) {
    throw new ConfigError('role', `expected one of ${Object.keys(Role).join(', ')}, got "${roleArg ?? ''}"`);
  }
  let values: Partial<Record<FlagName, string>>;
  try {
    values = parseArgs({ args: [...rest], options: FLAGS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    const flag = /'(--[^']+)'/.exec(String(err))?.[1]?.replace(/^--/, '') ?? 'args';
    throw new ConfigError(flag, (err as Error).message, { cause: err });
  }
  const get = (flag: FlagName): string | undefined => values[flag] ?? (env[envName(flag)] || undefined);

  const logFormat = get('log-format') ?? LogFormat.json;
  if (!Object.hasOwn(LogFormat, logFormat)) throw new ConfigError('log-format', `expected json or text, got "${logFormat}"`);
  const logLevel = get('log-level') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('log-level', `expected one of ${LOG_LEVELS.join(', ')}`);
  const helmBinary = locateHelm(get('helm-binary'), env);
  if (!helmBinary) throw new ConfigError('helm-binary', 'no helm found: run helm-bin/build.sh or set --helm-binary');

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
  });
}
