import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fetchRepositoryChart } from '../src/helm/chart/repository-source.ts';
import { networkAccess } from '../src/net/network-access.ts';
import { type Handler, type RepoServer, serveFiles, startRepoServer } from '../test/helm/chart/repo-server.ts';
import { HELLO_CHART, helmCli } from './support/helm.ts';

// No cluster here: helm packages and indexes a repository, Capstan fetches from it, helm reads what it got.
describe('the Helm repository chart source against a repository made by the pinned helm', () => {
  const helm = helmCli(); // the helm locateHelm(CAPSTAN_HELM_BINARY, env) finds, with its own homes
  const network = networkAccess({ allowPrivateNetworks: true }); // the repository is on 127.0.0.1
  const root = mkdtempSync(join(tmpdir(), 'capstan-chart-repo-'));
  const charts = join(root, 'charts');
  let server: RepoServer | undefined;
  let repository = '';

  const ok = async (args: string[]): Promise<string> => {
    const r = await helm(args);
    assert.equal(r.exitCode, 0, `helm ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    // The index names absolute URLs, so the port must be known before `helm repo index`.
    let handler: Handler = (_req, res) => void res.writeHead(503).end();
    server = await startRepoServer((req, res) => handler(req, res));
    repository = `${server.origin}/charts`;
    for (const version of ['0.1.0', '0.2.0']) await ok(['package', HELLO_CHART, '--version', version, '--destination', charts]);
    await ok(['repo', 'index', charts, '--url', repository]);
    const files = Object.fromEntries(readdirSync(charts).map((f) => [`/charts/${f}`, readFileSync(join(charts, f))]));
    handler = serveFiles(files);
  });
  after(async () => {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('picks 0.2.0 for the range 0.x, and helm reads the tarball it returns', async () => {
    const cacheDir = join(root, 'cache');
    const fetched = await fetchRepositoryChart({ repository, name: 'hello', version: '0.x' }, { cacheDir, indexCache: new Map(), network });
    const packaged = readFileSync(join(charts, 'hello-0.2.0.tgz'));
    assert.equal(fetched.version, '0.2.0');
    assert.equal(fetched.digest, createHash('sha256').update(packaged).digest('hex'));
    assert.match(fetched.path, new RegExp(`^${cacheDir}/[0-9a-f]{32}-${fetched.digest}\\.tgz$`), 'cached per URL and credentials');
    assert.match(await ok(['show', 'chart', fetched.path]), /^version: 0\.2\.0$/m);
    assert.deepEqual(server?.requests.map((r) => [r.path, r.status]), [['/charts/index.yaml', 200], ['/charts/hello-0.2.0.tgz', 200]]);
  });

  it('verifies against the digest `helm repo index` wrote, and reuses the cached tarball', async () => {
    const index = readFileSync(join(charts, 'index.yaml'), 'utf8');
    const cacheDir = join(root, 'cache-exact');
    const fetched = await fetchRepositoryChart({ repository, name: 'hello', version: '0.1.0' }, { cacheDir, indexCache: new Map(), network });
    assert.ok(index.includes(`digest: ${fetched.digest}`), 'the index lists the digest of the tarball fetched');
    const earlier = server?.requests.length ?? 0;
    const again = await fetchRepositoryChart({ repository, name: 'hello', version: '0.1.0' }, { cacheDir, indexCache: new Map(), network });
    assert.deepEqual(again, fetched);
    assert.deepEqual(server?.requests.slice(earlier).map((r) => r.path), ['/charts/index.yaml'], 'no second download');
  });
});
