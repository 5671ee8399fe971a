import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { HelmRelease } from '../../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../../src/errors/stalling-error.ts';
import { WaitingError } from '../../../src/errors/waiting-error.ts';
import { gitChartSource } from '../../../src/helm/chart/git-source.ts';
import { checkGitChartUrl, checkOciRegistry, gitRemoteEndpoint } from '../../../src/helm/chart/remote-host-check.ts';
import { resolveChart } from '../../../src/helm/chart/resolve-chart.ts';
import { fetchRepositoryChart } from '../../../src/helm/chart/repository-source.ts';
import type { HelmRunner } from '../../../src/helm/runner.ts';
import type { KubeClient } from '../../../src/kube/client.ts';
import { SECURE_DEFAULTS } from '../../../src/security-config.ts';
import { onlyEndpoints } from '../../net/test-access.ts';
import { indexYaml, type RepoServer, serveFiles, startRepoServer } from './repo-server.ts';

const PRIVATE_OK = { ...SECURE_DEFAULTS, allowPrivateNetworks: true };
const stalled = (field: string, message: RegExp) => (error: unknown): boolean => {
  assert.ok(error instanceof StallingError, `not a StallingError: ${String(error)}`);
  assert.equal(error.reason, 'ChartFetchFailed');
  assert.equal(error.field, field);
  assert.match(error.message, message);
  return true;
};
const refusedOn = (field: string, range: RegExp) => stalled(field, new RegExp(`${range.source}.*unless started with --allow-private-networks`));

describe('chart sources and the address policy', () => {
  const root = mkdtempSync(join(tmpdir(), 'capstan-remote-access-'));
  const servers: RepoServer[] = [];
  const serve = async (files: Record<string, string>): Promise<RepoServer> => {
    const server = await startRepoServer(serveFiles(files));
    servers.push(server);
    return server;
  };
  after(async () => {
    await Promise.all(servers.map(async (s) => s.close()));
    rmSync(root, { recursive: true, force: true });
  });
  const cacheDir = (): string => mkdtempSync(join(root, 'cache-'));

  it('stalls on spec.chart.repository for a repository on loopback, before asking it anything', async () => {
    const repo = await serve({ '/index.yaml': indexYaml([['hello', '1.0.0', 'hello-1.0.0.tgz']]) });
    await assert.rejects(fetchRepositoryChart({ repository: repo.origin, name: 'hello', version: '1.0.0' }, { cacheDir: cacheDir() }),
      refusedOn('spec.chart.repository', /index\.yaml: refused: 127\.0\.0\.1 is loopback \(127\.0\.0\.0\/8\)/));
    assert.deepEqual(repo.requests, []);
  });

  it('stalls when an allowed repository lists its tarball on the Redis port or a private host', async () => {
    for (const [url, range] of [['http://127.0.0.1:6379/hello-1.0.0.tgz', /127\.0\.0\.1 is loopback/],
      ['http://charts.internal.test/hello-1.0.0.tgz', /10\.0\.0\.9 \(the address of charts\.internal\.test\) is private/]] as const) {
      const repo = await serve({ '/index.yaml': indexYaml([['hello', '1.0.0', url]]) });
      const network = onlyEndpoints([new URL(repo.origin).host], { 'charts.internal.test': ['10.0.0.9'] });
      await assert.rejects(fetchRepositoryChart({ repository: repo.origin, name: 'hello', version: '1.0.0' }, { cacheDir: cacheDir(), network }),
        refusedOn('spec.chart.repository', range));
      assert.deepEqual(repo.requests.map((r) => r.path), ['/index.yaml']);
    }
  });

  it('checks the registry of an oci:// chart before helm is given it', async () => {
    const kube = {} as KubeClient;
    const oci = (repository: string, security = SECURE_DEFAULTS) => resolveChart(
      { apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', metadata: { namespace: 'apps', name: 'x' }, spec: { chart: { repository, name: 'hello', version: '1.0.0' } } },
      { kube, cacheDir: root, sources: {}, signal: new AbortController().signal, security });
    for (const [repository, range] of [['oci://127.0.0.1:5000/charts', /127\.0\.0\.1 is loopback/], ['oci://[::1]/charts', /::1 is loopback/],
      ['oci://0x7f.1/charts', /127\.0\.0\.1 \(the address of 0x7f\.1\) is loopback/], ['oci://169.254.169.254/x', /is link-local/],
      ['oci://192.168.0.10:443/charts', /is private/]] as const) {
      await assert.rejects(oci(repository), refusedOn('spec.chart.repository', range), repository);
    }
    assert.equal((await oci('oci://127.0.0.1:5000/charts', PRIVATE_OK)).ref, 'oci://127.0.0.1:5000/charts/hello');
    await assert.rejects(checkOciRegistry('oci://registry.internal.test/charts', SECURE_DEFAULTS, onlyEndpoints([], { 'registry.internal.test': ['fd00::5'] })),
      refusedOn('spec.chart.repository', /fd00::5 \(the address of registry\.internal\.test\) is unique local/));
  });

  it('finds the host and port git will dial in every URL form it accepts', () => {
    const cases: Array<[string, ReturnType<typeof gitRemoteEndpoint>]> = [
      ['https://github.com/org/repo.git', { file: false, host: 'github.com', port: 443 }],
      ['http://127.0.0.1:8080/r.git', { file: false, host: '127.0.0.1', port: 8080 }],
      ['ssh://git@[::1]:2222/r.git', { file: false, host: '[::1]', port: 2222 }],
      ['git://10.0.0.1/r.git', { file: false, host: '10.0.0.1', port: 9418 }],
      ['git@169.254.169.254:org/r.git', { file: false, host: '169.254.169.254', port: 22 }],
      ['file:///srv/git/r.git', { file: true }],
      ['ftp://example.com/r.git', undefined],
    ];
    for (const [url, endpoint] of cases) assert.deepEqual(gitRemoteEndpoint(url), endpoint, url);
  });

  it('refuses spec.chart.git on a refused address in any URL form, and waits when the name does not resolve', async () => {
    for (const [url, range] of [['ssh://git@127.0.0.1/r.git', /127\.0\.0\.1 is loopback/], ['git@10.0.0.1:org/r.git', /10\.0\.0\.1 is private/],
      ['https://0x7f.1/r.git', /127\.0\.0\.1 is loopback/], ['http://[fe80::1]:8080/r.git', /fe80::1 is link-local/],
      ['git://2130706433/r.git', /127\.0\.0\.1 \(the address of 2130706433\) is loopback/],
      ['https://git.internal.test/r.git', /100\.64\.0\.1 \(the address of git\.internal\.test\) is carrier-grade NAT/]] as const) {
      await assert.rejects(checkGitChartUrl(url, SECURE_DEFAULTS, onlyEndpoints([], { 'git.internal.test': ['100.64.0.1'] })),
        refusedOn('spec.chart.git', range), url);
    }
    const error = await checkGitChartUrl('https://nowhere.test/r.git', SECURE_DEFAULTS, onlyEndpoints([])).catch((e: unknown) => e);
    assert.ok(error instanceof WaitingError && /cannot resolve nowhere\.test: ENOTFOUND/.test(error.message), String(error));
    await checkGitChartUrl('ssh://git@127.0.0.1/r.git', PRIVATE_OK);
  });

  it('refuses a file:// Git chart unless --allow-file-urls, and git never runs', async () => {
    const servers: Server[] = [];
    const connections: string[] = [];
    const git = createServer((socket) => { connections.push('git'); socket.destroy(); });
    servers.push(git);
    await new Promise<void>((resolve) => git.listen(0, '127.0.0.1', resolve));
    const port = (git.address() as { port: number }).port;
    const dir = cacheDir();
    const source = gitChartSource({ kube: {} as KubeClient, helm: {} as HelmRunner, cacheDir: dir, security: SECURE_DEFAULTS });
    const release = (url: string): HelmRelease => ({ apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', metadata: { namespace: 'apps', name: 'x' },
      spec: { chart: { git: url, path: 'charts/hello' } } });
    try {
      await assert.rejects(source(release(`file://${root}`), new AbortController().signal),
        stalled('spec.chart.git', /^spec\.chart\.git: refused: file:\/\/.* reads the worker's own disk; .*only when started with --allow-file-urls$/));
      await assert.rejects(source(release(`git://127.0.0.1:${port}/charts.git`), new AbortController().signal),
        refusedOn('spec.chart.git', /refused: 127\.0\.0\.1 is loopback/));
      assert.deepEqual(connections, [], 'git never dialled the server');
      assert.equal(existsSync(join(dir, 'git')), false, 'no mirror was made');
      await checkGitChartUrl(`file://${root}`, { ...SECURE_DEFAULTS, allowFileUrls: true });
    } finally {
      for (const s of servers) s.close();
    }
  });
});
