import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ChartSpec } from '../../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../../src/errors/stalling-error.ts';
import { lruIndexCache } from '../../../src/helm/chart/index-cache.ts';
import { fetchRepositoryChart, type RepositoryChartOptions } from '../../../src/helm/chart/repository-source.ts';
import { networkAccess } from '../../../src/net/network-access.ts';
import { indexYaml, type RepoServer, serveFiles, startRepoServer } from './repo-server.ts';

// A chart archive as `helm package` makes one: `<name>/Chart.yaml` in a .tgz, unique to this run.
function packageChart(name: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-chart-src-'));
  try {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: 1.0.0\ndescription: ${randomBytes(8).toString('hex')}\n`);
    return execFileSync('tar', ['-czf', '-', '-C', dir, name]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Tenant A's private chart, behind Basic auth; tenant B shares the worker (its chart cache and index cache).
const PRIVATE_TGZ = packageChart('secret-app');
const SHA = createHash('sha256').update(PRIVATE_TGZ).digest('hex');
const A_AUTH = { username: 'tenant-a', password: 'a-s3cret-pass' };

describe('a cached chart is reused only by releases that may fetch it with the same credentials', () => {
  let privateRepo: RepoServer;
  let cacheDir: string;
  // One worker's caches, shared by every release it runs.
  const worker = (): RepositoryChartOptions => ({ cacheDir, indexCache, network: networkAccess({ allowPrivateNetworks: true }) });
  const indexCache = lruIndexCache();
  const spec = (repository: string): ChartSpec => ({ repository, name: 'secret-app', version: '1.0.0' });
  const refused = (error: unknown): boolean => {
    assert.ok(error instanceof StallingError, `not a StallingError: ${String(error)}`);
    assert.equal(error.field, 'spec.chart.repository');
    assert.match(error.message, /401/);
    return true;
  };

  before(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'capstan-cache-auth-'));
    privateRepo = await startRepoServer(serveFiles({
      '/index.yaml': indexYaml([['secret-app', '1.0.0', 'secret-app-1.0.0.tgz', SHA]]),
      '/secret-app-1.0.0.tgz': PRIVATE_TGZ,
    }, A_AUTH));
    const a = await fetchRepositoryChart(spec(privateRepo.origin), { ...worker(), auth: A_AUTH });
    assert.deepEqual(readFileSync(a.path), PRIVATE_TGZ, 'tenant A got its chart');
  });
  after(async () => {
    await privateRepo.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('tenant B without credentials asking for the same chart gets the 401, not the cached copy', async () => {
    const seen = privateRepo.requests.length;
    await assert.rejects(fetchRepositoryChart(spec(privateRepo.origin), worker()), refused);
    assert.deepEqual(privateRepo.requests.slice(seen).map((r) => [r.path, r.status]), [['/index.yaml', 401]]);
  });

  it("tenant B with A's user name and a wrong password is refused, and never sends A's cached validators", async () => {
    const seen = privateRepo.requests.length;
    await assert.rejects(fetchRepositoryChart(spec(privateRepo.origin), { ...worker(), auth: { ...A_AUTH, password: 'guess' } }), refused);
    const [request] = privateRepo.requests.slice(seen);
    assert.equal(request?.status, 401);
    assert.equal(request?.headers['if-none-match'], undefined, "A's cached index answered for B's credentials");
  });

  it("tenant B's own repository listing A's chart digest gets no cached tarball: the download is refused", async () => {
    // B knows the digest (it is no secret) and lists it with A's tarball URL, which B's credentials cannot fetch.
    const own = await startRepoServer(serveFiles({
      '/index.yaml': indexYaml([['secret-app', '1.0.0', `${privateRepo.origin}/secret-app-1.0.0.tgz`, SHA]]),
    }));
    try {
      const seen = privateRepo.requests.length;
      await assert.rejects(fetchRepositoryChart(spec(own.origin), worker()), refused);
      assert.deepEqual(privateRepo.requests.slice(seen).map((r) => [r.path, r.status, r.headers.authorization]),
        [['/secret-app-1.0.0.tgz', 401, undefined]]);
    } finally {
      await own.close();
    }
  });

  it("tenant B's own repository serving its own tarball under A's digest is refused on the digest", async () => {
    const own = await startRepoServer(serveFiles({
      '/index.yaml': indexYaml([['secret-app', '1.0.0', 'secret-app-1.0.0.tgz', SHA]]),
      '/secret-app-1.0.0.tgz': randomBytes(64),
    }));
    try {
      await assert.rejects(fetchRepositoryChart(spec(own.origin), worker()),
        (error: unknown) => error instanceof StallingError && /but the repository index says/.test(error.message));
    } finally {
      await own.close();
    }
  });

  it('tenant A, and any release with the same credentials, reuses the cached tarball', async () => {
    const seen = privateRepo.requests.length;
    const again = await fetchRepositoryChart(spec(privateRepo.origin), { ...worker(), auth: { ...A_AUTH } });
    assert.deepEqual(readFileSync(again.path), PRIVATE_TGZ);
    assert.deepEqual(privateRepo.requests.slice(seen).map((r) => [r.path, r.status]), [['/index.yaml', 304]]);
  });
});
