import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../config-error.ts';
import type { SyncConfig } from '../config.ts';
import { readSourcesFile } from '../sync/sources-file.ts';
import { type FlagReader, secretFlag } from './read-flags.ts';
import { parseBool, parseDuration } from './values.ts';

// --chart-cache-dir, else a directory under the system's temporary one.
export function chartCacheDir(flags: FlagReader): string {
  return flags.given('chart-cache-dir') ?? join(tmpdir(), 'capstan-charts');
}

// The source the flags describe (--git-url and friends); also the defaults of every --config entry.
export function flagSource(flags: FlagReader): SyncConfig {
  const v = (flag: Parameters<FlagReader['value']>[0]): string => flags.value(flag) ?? '';
  const budget = Number(v('sync-garbage-collection-budget'));
  if (!(budget >= 0 && budget <= 1)) throw new ConfigError('sync-garbage-collection-budget', 'expected a number from 0 to 1');
  const sshKey = flags.given('git-ssh-key');
  const knownHosts = flags.given('git-ssh-known-hosts');
  if (knownHosts && !sshKey) throw new ConfigError('git-ssh-known-hosts', 'needs --git-ssh-key');
  return Object.freeze({
    name: 'default',
    gitUrl: flags.given('git-url'),
    ...(sshKey ? { ssh: Object.freeze({ keyFile: sshKey, ...(knownHosts ? { knownHostsFile: knownHosts } : {}) }) } : {}),
    gitBranch: v('git-branch'),
    gitPaths: Object.freeze(flags.list('git-path')),
    syncIntervalMs: parseDuration('sync-interval', v('sync-interval')),
    gitPollIntervalMs: parseDuration('git-poll-interval', v('git-poll-interval')),
    syncTimeoutMs: parseDuration('sync-timeout', v('sync-timeout')),
    gitUser: v('git-user'),
    gitEmail: v('git-email'),
    ciSkipMessage: parseBool('git-ci-skip', v('git-ci-skip')) ? v('git-ci-skip-message') : undefined,
    garbageCollection: parseBool('sync-garbage-collection', v('sync-garbage-collection')),
    garbageCollectionDry: parseBool('sync-garbage-collection-dry', v('sync-garbage-collection-dry')),
    gcBudgetRatio: budget,
    defaultNamespace: v('k8s-default-namespace'),
    manifestGeneration: parseBool('manifest-generation', v('manifest-generation')),
    webhookSecret: secretFlag('webhook-secret', flags),
    syncTag: v('git-sync-tag'),
    readonly: parseBool('git-readonly', v('git-readonly')),
    allowNamespaces: Object.freeze(flags.list('k8s-allow-namespace')),
    pushBranch: flags.given('git-push-branch'),
    cacheDir: join(chartCacheDir(flags), 'sync'),
  });
}

// What the daemon syncs: --config's sources (each over the flags' defaults, in its own cache directory), else
// --git-url's, else none.
export function syncSources(configFile: string | undefined, source: SyncConfig): readonly SyncConfig[] {
  if (!configFile) return Object.freeze(source.gitUrl ? [source] : []);
  return Object.freeze(readSourcesFile(configFile).map((e) => Object.freeze({
    ...source, ...e, cacheDir: join(source.cacheDir, e.name),
    gitBranch: e.gitBranch ?? source.gitBranch, pushBranch: e.pushBranch, gitPaths: Object.freeze(e.gitPaths ?? source.gitPaths),
  })));
}
