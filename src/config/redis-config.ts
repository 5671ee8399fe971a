import { accessSync, constants, readFileSync } from 'node:fs';
import { ConfigError } from '../config-error.ts';
import { type RedisTarget, redactUrl, redisTarget } from '../redis/redis-target.ts';
import type { FlagReader } from './read-flags.ts';
import { parseBool } from './values.ts';

// The --redis-* flags, the password variables and files, checked into a RedisTarget. A password is never taken
// from the command line (the process list shows it to every user of the machine): a --redis-url on argv that holds
// one is refused; CAPSTAN_REDIS_URL / REDIS_URL may, and the password flags are files or variables.
export function redisConfig(flags: FlagReader, env: NodeJS.ProcessEnv, argv: readonly string[]): RedisTarget {
  const onArgv = argvValue(argv, 'redis-url');
  if (onArgv !== undefined && /^[^/]*\/\/[^@/]*:[^@/]+@/.test(onArgv)) {
    throw new ConfigError('redis-url', `"${redactUrl(onArgv)}" puts a password in the process list: give the URL in CAPSTAN_REDIS_URL or REDIS_URL, or the password in --redis-password-file`);
  }
  const files = { caFile: readable(flags, 'redis-ca-file'), certFile: readable(flags, 'redis-cert-file'), keyFile: readable(flags, 'redis-key-file') };
  const sentinels = flags.list('redis-sentinel');
  const cluster = flags.list('redis-cluster');
  return redisTarget({
    url: flags.given('redis-url'),
    ...(sentinels.length ? { sentinels: sentinels.join(',') } : {}),
    ...(cluster.length ? { cluster: cluster.join(',') } : {}),
    sentinelMaster: flags.given('redis-sentinel-master'),
    tls: parseBool('redis-tls', flags.value('redis-tls') ?? 'false'),
    ...files,
    username: flags.given('redis-username'),
    password: secret(flags, env, 'redis-password-file', 'CAPSTAN_REDIS_PASSWORD'),
    sentinelPassword: secret(flags, env, 'redis-sentinel-password-file', 'CAPSTAN_REDIS_SENTINEL_PASSWORD'),
    queuePrefix: flags.given('queue-prefix'),
  });
}

// The last value of `--flag VALUE` or `--flag=VALUE` on the command line itself (not from a variable).
export function argvValue(argv: readonly string[], flag: string): string | undefined {
  let found: string | undefined;
  argv.forEach((a, i) => {
    if (a === `--${flag}`) found = argv[i + 1];
    else if (a.startsWith(`--${flag}=`)) found = a.slice(flag.length + 3);
  });
  return found;
}

// A password from its variable or its file (trailing newline trimmed), not both; an unreadable or empty file is a bad flag.
function secret(flags: FlagReader, env: NodeJS.ProcessEnv, flag: 'redis-password-file' | 'redis-sentinel-password-file', variable: string): string | undefined {
  const file = flags.given(flag);
  const direct = env[variable] || undefined;
  if (direct !== undefined && file !== undefined) throw new ConfigError(flag, `give ${variable} or --${flag}, not both`);
  if (file === undefined) return direct;
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new ConfigError(flag, `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (!text) throw new ConfigError(flag, `${file} is empty`);
  return text;
}

// A file flag's path, checked readable now so a typo fails at start-up rather than at the first connection.
function readable(flags: FlagReader, flag: 'redis-ca-file' | 'redis-cert-file' | 'redis-key-file'): string | undefined {
  const path = flags.given(flag);
  if (path === undefined) return undefined;
  try {
    accessSync(path, constants.R_OK);
  } catch (err) {
    throw new ConfigError(flag, `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return path;
}
