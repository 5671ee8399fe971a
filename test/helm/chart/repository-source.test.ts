import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { ChartSpec } from '../../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../../src/errors/stalling-error.ts';
import { WaitingError } from '../../../src/errors/waiting-error.ts';
import { CACHE_KEY_FILE } from '../../../src/fs/credential-id.ts';
import type { CachedIndex } from '../../../src/helm/chart/repository-index.ts';
import { fetchRepositoryChart, type RepositoryChartOptions } from '../../../src/helm/chart/repository-source.ts';
import { ANY_ADDRESS } from '../../net/test-access.ts';
import { type Handler, indexYaml, type RepoServer, serveFiles, startRepoServer } from './repo-server.ts';
import { chartTgz } from './tar-fixture.ts';

// A small chart tarball, made unique by random bytes; downloads are inspected (archive-check.ts) before they are
// cached, so it must be a real one.
const TGZ = chartTgz([{ name: 'hello/random.bin', data: randomBytes(4096) }]);
const SHA = createHash('sha256').update(TGZ).digest('hex');
const AUTH = { username: 'reader', password: 'hunter2-s3cret' };

describe('fetchRepositoryChart from a Helm repository over HTTP', () => {
  const servers: RepoServer[] = [];
  const dirs: string[] = [];
  after(async () => {
    await Promise.all(servers.map(async (s) => s.close()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const serve = async (handler: Handler): Promise<RepoServer> => {
    const server = await startRepoServer(handler);
    servers.push(server);
    return server;
  };
  // Fresh cache directory and index cache per call site, so no test sees another's downloads.
  const options = (extra: Partial<RepositoryChartOptions> = {}): RepositoryChartOptions => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'capstan-charts-'));
    dirs.push(cacheDir);
    return { cacheDir, indexCache: new Map<string, CachedIndex>(), network: ANY_ADDRESS, ...extra };
  };
  // What the cache directory holds besides its key (fs/credential-id.ts).
  const cached = (dir: string): string[] => readdirSync(dir).filter((name) => name !== CACHE_KEY_FILE);
  const chart = (server: RepoServer, version = '1.2.0', path = '/charts'): ChartSpec =>
    ({ repository: `${server.origin}${path}`, name: 'hello', version });
  const stalled = (field: string, message: RegExp) => (error: unknown): boolean => {
    assert.ok(error instanceof StallingError, `not a StallingError: ${String(error)}`);
    assert.equal(error.reason, 'ChartFetchFailed');
    assert.equal(error.field, field);
    assert.match(error.message, message);
    assert.doesNotMatch(error.message, /hunter2/);
    return true;
  };

  it('downloads the tarball, returns its sha256, and reuses the cached file and index next time', async () => {
    const server = await serve(serveFiles({
      '/charts/index.yaml': indexYaml([['hello', '1.2.0', 'hello-1.2.0.tgz', SHA]]),
      '/charts/hello-1.2.0.tgz': TGZ,
    }));
    const opts = options();
    const first = await fetchRepositoryChart(chart(server), opts);
    assert.deepEqual({ ...first, path: '' }, { path: '', version: '1.2.0', digest: SHA });
    assert.match(first.path, new RegExp(`^${opts.cacheDir}/[0-9a-f]{32}-${SHA}\\.tgz$`));
    assert.deepEqual(readFileSync(first.path), TGZ);
    assert.deepEqual(cached(opts.cacheDir), [basename(first.path)], 'no temp file left behind');

    const second = await fetchRepositoryChart(chart(server), opts);
    assert.deepEqual(second, first);
    assert.deepEqual(server.requests.map((r) => [r.path, r.status]), [
      ['/charts/index.yaml', 200], ['/charts/hello-1.2.0.tgz', 200], ['/charts/index.yaml', 304],
    ]);
  });

  it('names the file by its sha256 when the index gives no digest', async () => {
    const server = await serve(serveFiles({
      '/charts/index.yaml': indexYaml([['hello', '1.2.0', 'hello-1.2.0.tgz']]),
      '/charts/hello-1.2.0.tgz': TGZ,
    }));
    const fetched = await fetchRepositoryChart(chart(server), options());
    assert.equal(fetched.digest, SHA);
    assert.ok(fetched.path.endsWith(`${SHA}.tgz`));
  });

  it('picks 1.2.0 for >=1.0.0 <2.0.0 among 1.0.0, 1.2.0 and 2.0.0', async () => {
    const server = await serve(serveFiles({
      '/charts/index.yaml': indexYaml([
        ['hello', '2.0.0', 'hello-2.0.0.tgz'], ['hello', '1.2.0', 'hello-1.2.0.tgz'], ['hello', '1.0.0', 'hello-1.0.0.tgz'],
      ]),
      '/charts/hello-1.2.0.tgz': TGZ,
    }));
    const fetched = await fetchRepositoryChart(chart(server, '>=1.0.0 <2.0.0'), options());
    assert.equal(fetched.version, '1.2.0');
    assert.deepEqual(server.requests.map((r) => r.path), ['/charts/index.yaml', '/charts/hello-1.2.0.tgz']);
  });

  it('resolves a relative URL against the repository and follows an absolute one to another server', async () => {
    const cdn = await serve(serveFiles({ '/blobs/hello-1.2.0.tgz': TGZ }));
    const server = await serve(serveFiles({
      '/charts/index.yaml': indexYaml([
        ['hello', '1.0.0', 'sub/hello-1.0.0.tgz'], ['hello', '1.2.0', `${cdn.origin}/blobs/hello-1.2.0.tgz`],
      ]),
      '/charts/sub/hello-1.0.0.tgz': TGZ,
    }, AUTH));
    await fetchRepositoryChart(chart(server, '1.0.0'), options({ auth: AUTH }));
    await fetchRepositoryChart(chart(server, '1.2.0'), options({ auth: AUTH }));
    assert.deepEqual(server.seen('/charts/sub/hello-1.0.0.tgz').map((r) => r.status), [200]);
    const [onCdn] = cdn.seen('/blobs/hello-1.2.0.tgz');
    assert.equal(onCdn?.status, 200);
    assert.equal(onCdn?.headers.authorization, undefined, 'credentials stay on the repository host');
  });

  it('sends Basic credentials to the repository, from the options or from the URL', async () => {
    const server = await serve(serveFiles({
      '/charts/index.yaml': indexYaml([['hello', '1.2.0', 'hello-1.2.0.tgz']]),
      '/charts/hello-1.2.0.tgz': TGZ,
    }, AUTH));
    const expected = `Basic ${Buffer.from(`${AUTH.username}:${AUTH.password}`).toString('base64')}`;
    await fetchRepositoryChart(chart(server), options({ auth: AUTH }));
    const inUrl = { ...chart(server), repository: `http://${AUTH.username}:${AUTH.password}@${server.origin.slice(7)}/charts` };
    await fetchRepositoryChart(inUrl, options());
    assert.equal(server.requests.length, 4);
    for (const r of server.requests) assert.equal(r.headers.authorization, expected, r.path);
  });

  it('stalls on spec.chart.repository when the repository refuses the credentials, never printing the password', async () => {
    const server = await serve(serveFiles({ '/charts/index.yaml': indexYaml([]) }, AUTH));
    await assert.rejects(fetchRepositoryChart(chart(server), options()), stalled('spec.chart.repository', /HTTP 401 .*authentication/));
    const wrong = { username: 'reader', password: 'hunter2-wrong' };
    await assert.rejects(fetchRepositoryChart(chart(server), options({ auth: wrong })), stalled('spec.chart.repository', /HTTP 401/));
    const inUrl = { ...chart(server), repository: `http://reader:hunter2-wrong@${server.origin.slice(7)}/charts` };
    await assert.rejects(fetchRepositoryChart(inUrl, options()), stalled('spec.chart.repository', /HTTP 401 from http:\/\/127\.0\.0\.1/));
  });

  it('stalls on spec.chart.repository when there is no index', async () => {
    const server = await serve(serveFiles({}));
    await assert.rejects(fetchRepositoryChart(chart(server), options()), stalled('spec.chart.repository', /HTTP 404 .*not found, no Helm repository index/));
  });

  it('waits after a 503, 30s or as long as Retry-After says', async () => {
    let retryAfter: string | undefined;
    const server = await serve((_req, res) => res.writeHead(503, retryAfter ? { 'retry-after': retryAfter } : {}).end('busy'));
    const waited = (ms: number) => (error: unknown): boolean =>
      error instanceof WaitingError && error.reason === 'ChartFetchFailed' && error.retryAfterMs === ms && /HTTP 503/.test(error.message);
    await assert.rejects(fetchRepositoryChart(chart(server), options()), waited(30_000));
    retryAfter = '12';
    await assert.rejects(fetchRepositoryChart(chart(server), options()), waited(12_000));
  });

  it('waits when the tarball download fails with a 5xx', async () => {
    const files = serveFiles({ '/charts/index.yaml': indexYaml([['hello', '1.2.0', 'hello-1.2.0.tgz']]) });
    const server = await serve((req, res) => (req.url?.endsWith('.tgz') ? res.writeHead(502).end() : files(req, res)));
    await assert.rejects(fetchRepositoryChart(chart(server), options()), (error: unknown) => error instanceof WaitingError);
  });

  it('waits when the tarball stops arriving halfway, and leaves no partial file', async () => {
    const files = serveFiles({ '/charts/index.yaml': indexYaml([['hello', '1.2.0', 'hello-1.2.0.tgz']]) });
    const server = await serve((req, res) => {
      if (!req.url?.endsWith('.tgz')) return files(req, res);
      res.writeHead(200, { 'content-length': TGZ.length });
      res.write(TGZ.subarray(0, 100)); // and never the rest
    });
    const opts = options({ timeoutMs: 300 });
    await assert.rejects(fetchRepositoryChart(chart(server), opts), (error: unknown) =>
      error instanceof WaitingError && /timed out after 0\.3s/.test(error.message));
    assert.deepEqual(cached(opts.cacheDir), []);
  });

  it('stalls when the tarball does not match the index digest, and caches nothing', async () => {
    const server = await serve(serveFiles({
      '/charts/index.yaml': indexYaml([['hello', '1.2.0', 'hello-1.2.0.tgz', 'f'.repeat(64)]]),
      '/charts/hello-1.2.0.tgz': TGZ,
    }));
    const opts = options();
    await assert.rejects(fetchRepositoryChart(chart(server), opts),
      stalled('spec.chart.repository', new RegExp(`has sha256 ${SHA}, but the repository index says ${'f'.repeat(64)}`)));
    assert.deepEqual(cached(opts.cacheDir), []);
  });

  it('stalls on the field that is missing or wrong before any request', async () => {
    const server = await serve(serveFiles({}));
    const cases: Array<[ChartSpec, string, RegExp]> = [
      [{ name: 'hello', version: '1.0.0' }, 'spec.chart.repository', /is required/],
      [{ repository: server.origin, version: '1.0.0' }, 'spec.chart.name', /is required/],
      [{ repository: server.origin, name: 'hello', version: ' ' }, 'spec.chart.version', /is required/],
      [{ repository: 'oci://ghcr.io/org/charts', name: 'hello', version: '1.0.0' }, 'spec.chart.repository', /pulled by helm itself/],
      [{ repository: 'git://example.com/charts', name: 'hello', version: '1.0.0' }, 'spec.chart.repository', /unsupported scheme/],
    ];
    for (const [spec, field, message] of cases) await assert.rejects(fetchRepositoryChart(spec, options()), stalled(field, message));
    assert.equal(server.requests.length, 0);
  });
});
