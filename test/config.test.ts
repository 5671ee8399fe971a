import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../src/config-error.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { parseListen } from '../src/config/values.ts';
import { pinnedHelmPath } from '../src/helm/binary.ts';

const HELM = { CAPSTAN_HELM_BINARY: '/opt/helm' };

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig(['worker'], { ...HELM });
    assert.equal(c.role, 'worker');
    assert.equal(c.redisUrl, 'redis://127.0.0.1:6379');
    assert.deepEqual(c.listen, { host: '0.0.0.0', port: 3030 });
    assert.equal(c.logFormat, 'json');
    assert.equal(c.concurrency, 4);
    assert.equal(c.kubeconfig, undefined);
    assert.ok(Object.isFrozen(c));
  });

  it('reads CAPSTAN_<FLAG> and the standard variables, and lets flags win', () => {
    const env = { ...HELM, KUBECONFIG: '/k', REDIS_URL: 'redis://r:1', CAPSTAN_CONCURRENCY: '8', CAPSTAN_LOG_FORMAT: 'text' };
    const c = loadConfig(['run', '--concurrency', '2', '--redis-url=redis://flag:2'], env);
    assert.equal(c.concurrency, 2);
    assert.equal(c.redisUrl, 'redis://flag:2');
    assert.equal(c.kubeconfig, '/k');
    assert.equal(c.logFormat, 'text');
    assert.equal(c.helmBinary, '/opt/helm');
  });

  it('reads the operator flags: repeatable --allow-namespace and durations', () => {
    const c = loadConfig(['operator', '--allow-namespace', 'a', '--allow-namespace=b,c', '--charts-sync-interval', '1m30s', '--debounce', '250ms'], { ...HELM });
    assert.deepEqual(c.allowNamespaces, ['a', 'b', 'c']);
    assert.equal(c.chartsSyncIntervalMs, 90_000);
    assert.equal(c.debounceMs, 250);
    const d = loadConfig(['operator'], { ...HELM, CAPSTAN_ALLOW_NAMESPACE: 'x,y' });
    assert.deepEqual(d.allowNamespaces, ['x', 'y']);
    assert.equal(d.chartsSyncIntervalMs, 180_000);
  });

  it('reads fluxd\'s daemon flags, booleans written as --flag, --flag=true or --flag=false', () => {
    const c = loadConfig(['daemon', '--git-url', 'ssh://git@example.com/repo', '--git-path', 'a,b', '--git-path=c',
      '--sync-garbage-collection', '--sync-garbage-collection-dry=false', '--sync-interval', '1m'], {});
    assert.equal(c.sync.gitUrl, 'ssh://git@example.com/repo');
    assert.deepEqual(c.sync.gitPaths, ['a', 'b', 'c']);
    assert.equal(c.sync.garbageCollection, true);
    assert.equal(c.sync.garbageCollectionDry, false);
    assert.equal(c.sync.gitBranch, 'master');
    assert.equal(c.sync.syncIntervalMs, 60_000);
    assert.equal(c.helmBinary, '', 'the daemon runs no helm and needs none');
    assert.equal(c.sync.ciSkipMessage, undefined);
    assert.equal(loadConfig(['daemon', '--git-url', 'x', '--git-ci-skip'], {}).sync.ciSkipMessage, '[ci skip]');
  });

  it('reads the registry flags, with fluxd\'s defaults and its deprecated --registry-poll-interval', () => {
    const d = loadConfig(['daemon', '--git-url', 'x'], {}).image;
    assert.deepEqual({ ...d }, { disabled: false, intervalMs: 300_000, includeImages: [], excludeImages: ['k8s.gcr.io/*'], insecureHosts: [],
      rps: 50, burst: 10, platform: 'linux/amd64', dockerConfig: undefined });
    const c = loadConfig(['daemon', '--git-url', 'x', '--registry-poll-interval', '2m', '--registry-insecure-host', 'a:5000,b',
      '--registry-exclude-image', 'quay.io/*', '--registry-platform', 'linux/arm64/v8', '--git-push-branch', 'updates'], { CAPSTAN_REGISTRY_RPS: '5' });
    assert.equal(c.image.intervalMs, 120_000);
    assert.deepEqual(c.image.insecureHosts, ['a:5000', 'b']);
    assert.deepEqual(c.image.excludeImages, ['quay.io/*']);
    assert.equal(c.image.platform, 'linux/arm64/v8');
    assert.equal(c.image.rps, 5);
    assert.equal(c.sync.pushBranch, 'updates');
    assert.equal(loadConfig(['daemon', '--git-url', 'x', '--automation-interval', '30s', '--registry-poll-interval', '2m'], {}).image.intervalMs, 30_000);
  });

  const bad: Array<[string, string[], string]> = [
    ['a bad platform', ['daemon', '--git-url', 'x', '--registry-platform', 'amd64'], 'registry-platform'],
    ['a zero request rate', ['daemon', '--git-url', 'x', '--registry-rps', '0'], 'registry-rps'],
    ['a bad automation interval', ['daemon', '--git-url', 'x', '--automation-interval', 'often'], 'automation-interval'],
    ['a daemon without --git-url', ['daemon'], 'git-url'],
    ['a boolean flag with a value other than true/false', ['daemon', '--git-url', 'x', '--sync-garbage-collection=maybe'], 'sync-garbage-collection'],
    ['a bad duration', ['operator', '--charts-sync-interval', '3 minutes'], 'charts-sync-interval'],
    ['an unknown role', ['fly'], 'role'],
    ['an unknown flag', ['worker', '--colour', 'x'], 'colour'],
    ['a zero concurrency', ['worker', '--concurrency', '0'], 'concurrency'],
    ['a bad listen address', ['worker', '--listen', 'localhost'], 'listen'],
    ['a bad log format', ['worker', '--log-format', 'xml'], 'log-format'],
  ];
  for (const [what, argv, flag] of bad) {
    it(`rejects ${what} with an error naming --${flag}`, () => {
      assert.throws(() => loadConfig(argv, { ...HELM }), (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.flag, flag);
        assert.match(err.message, new RegExp(`^--${flag}:`));
        return true;
      });
    });
  }
});

describe('locating helm', () => {
  const fakeHelm = (dir: string): string => {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'helm');
    writeFileSync(path, '#!/bin/sh\n');
    chmodSync(path, 0o755);
    return path;
  };

  it('prefers the pinned build in the cache over helm on PATH', () => {
    const root = mkdtempSync(join(tmpdir(), 'capstan-helm-'));
    const env = { CAPSTAN_CACHE: join(root, 'cache'), PATH: join(root, 'path') };
    fakeHelm(join(root, 'path'));
    const version = readFileSync(new URL('../helm-bin/HELM_VERSION', import.meta.url), 'utf8').trim();
    const pinned = fakeHelm(join(root, 'cache', 'bin', `helm-${version}`));
    assert.equal(pinnedHelmPath(env), pinned);
    assert.equal(loadConfig(['worker'], env).helmBinary, pinned);
  });

  it('falls back to PATH, and fails naming --helm-binary when there is none', () => {
    const root = mkdtempSync(join(tmpdir(), 'capstan-helm-'));
    const onPath = fakeHelm(join(root, 'path'));
    assert.equal(loadConfig(['worker'], { CAPSTAN_CACHE: root, PATH: join(root, 'path') }).helmBinary, onPath);
    assert.throws(() => loadConfig(['worker'], { CAPSTAN_CACHE: root, PATH: '' }), { name: 'ConfigError', flag: 'helm-binary' });
  });
});

describe('parseListen', () => {
  it('accepts :port and host:port', () => {
    assert.deepEqual(parseListen(':3030'), { host: '0.0.0.0', port: 3030 });
    assert.deepEqual(parseListen('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
    assert.deepEqual(parseListen('[::1]:8080'), { host: '::1', port: 8080 });
  });
});
