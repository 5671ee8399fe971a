import { ConfigError } from '../config-error.ts';
import { type Config, LogFormat, Role } from '../config.ts';
import { locateHelm } from '../helm/binary.ts';
import { decryptionConfig } from './decryption-config.ts';
import { helmRepositoriesConfig } from './helm-repositories-config.ts';
import { imageConfig } from './image-config.ts';
import { notifySinks } from './notify-config.ts';
import { readFlags, secretFlag } from './read-flags.ts';
import { redisConfig } from './redis-config.ts';
import { chartCacheDir, flagSource, syncSources } from './sync-config.ts';
import { parseBool, parseDuration, parseListen, positiveInt } from './values.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

// Reads flags (which win) and CAPSTAN_* environment variables into a Config. Throws ConfigError on bad input.
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): Config {
  const [roleArg, ...rest] = argv;
  if (!roleArg || !Object.hasOwn(Role, roleArg)) {
    throw new ConfigError('role', `expected one of ${Object.keys(Role).join(', ')}, got "${roleArg ?? ''}" (capstan --help lists them)`);
  }
  const flags = readFlags(rest, env);
  const v = (flag: Parameters<typeof flags.value>[0]): string => flags.value(flag) ?? '';
  const logFormat = v('log-format');
  if (!Object.hasOwn(LogFormat, logFormat)) throw new ConfigError('log-format', `expected json or text, got "${logFormat}"`);
  const logLevel = v('log-level');
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('log-level', `expected one of ${LOG_LEVELS.join(', ')}`);
  const needsHelm = roleArg === Role.worker || roleArg === Role.run;
  const helmBinary = needsHelm ? locateHelm(flags.given('helm-binary'), env) : '';
  if (helmBinary === undefined) throw new ConfigError('helm-binary', 'no helm found: run helm-bin/build.sh or set --helm-binary');
  const configFile = flags.given('config');
  if (roleArg === Role.daemon && !flags.given('git-url') && !configFile) throw new ConfigError('git-url', 'is required for capstan daemon (or --config)');
  const syncState = v('sync-state');
  if (syncState !== 'git' && syncState !== 'secret') throw new ConfigError('sync-state', `expected git or secret, got "${syncState}"`);
  const secretName = flags.given('k8s-secret-name');
  if (syncState === 'secret' && !secretName) throw new ConfigError('sync-state', 'secret needs --k8s-secret-name');
  const sync = flagSource(flags);

  return Object.freeze({
    role: roleArg as Role,
    kubeconfig: flags.given('kubeconfig'),
    redisUrl: v('redis-url'),
    redis: redisConfig(flags, env, rest),
    listen: Object.freeze(parseListen(v('listen'))),
    logFormat: logFormat as LogFormat,
    logLevel,
    concurrency: positiveInt('concurrency', v('concurrency')),
    helmBinary,
    helmCacheDir: flags.given('helm-cache-dir'),
    allowNamespaces: Object.freeze(flags.list('allow-namespace')),
    chartsSyncIntervalMs: parseDuration('charts-sync-interval', v('charts-sync-interval')),
    debounceMs: parseDuration('debounce', v('debounce')),
    retryBackoffMs: parseDuration('retry-backoff', v('retry-backoff')),
    chartCacheDir: chartCacheDir(flags),
    queueName: v('queue-name'),
    dashboardToken: secretFlag('dashboard-token', flags),
    apiToken: secretFlag('api-token', flags),
    notify: notifySinks(flags),
    security: Object.freeze({
      allowCrossNamespaceRefs: parseBool('allow-cross-namespace-refs', v('allow-cross-namespace-refs')),
      allowInsecureCredentials: parseBool('allow-insecure-credentials', v('allow-insecure-credentials')),
      allowPrivateNetworks: parseBool('allow-private-networks', v('allow-private-networks')),
      allowFileUrls: parseBool('allow-file-urls', v('allow-file-urls')),
    }),
    gitPollIntervalMs: parseDuration('git-poll-interval', v('git-poll-interval')),
    gitTimeoutMs: parseDuration('git-timeout', v('git-timeout')),
    gitDefaultRef: v('git-default-ref'),
    updateChartDeps: parseBool('update-chart-deps', v('update-chart-deps')),
    helmRepositories: needsHelm ? helmRepositoriesConfig(flags) : [],
    sync,
    leaderElectionNamespace: v('leader-election-namespace'),
    syncState,
    gitSecret: secretName ? Object.freeze({ namespace: v('k8s-secret-namespace'), name: secretName }) : undefined,
    image: imageConfig(flags),
    decryption: decryptionConfig(flags),
    syncSources: syncSources(configFile, sync),
  });
}
