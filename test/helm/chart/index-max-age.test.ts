import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { CachedIndex } from '../../../src/helm/chart/repository-index.ts';
import { fetchRepositoryIndex } from '../../../src/helm/chart/repository-index.ts';
import { fetchRepositoryChart } from '../../../src/helm/chart/repository-source.ts';
import { ANY_ADDRESS } from '../../net/test-access.ts';
import { indexYaml, type RepoServer, startRepoServer } from './repo-server.ts';
import { chartTgz } from './tar-fixture.ts';

const TGZ = chartTgz([{ name: 'hello/random.bin', data: randomBytes(1024) }]);
const SHA = createHash('sha256').update(TGZ).digest('hex');

// A routine reconcile (a resync of every release) uses an index the repository confirmed a moment ago instead of
// asking once per release; anything else, or a copy too old, is revalidated.
describe('a repository index younger than maxAgeMs', () => {
  const servers: RepoServer[] = [];
  const dirs: string[] = [];
  after(async () => {
    await Promise.all(servers.map(async (s) => s.close()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  // A repository whose index lists `versions` (changeable), every one served as TGZ.
  const repository = async (versions: string[]) => {
    const server = await startRepoServer((req, res) => {
      if (req.url?.endsWith('.tgz')) return void res.writeHead(200).end(TGZ);
      const body = indexYaml(versions.map((v) => ['hello', v, `hello-${v}.tgz`, SHA]));
      res.writeHead(200, { etag: `"${versions.join()}"` }).end(body);
    });
    servers.push(server);
    return server;
  };
  const indexRequests = (server: RepoServer) => server.requests.filter((r) => r.path.endsWith('index.yaml')).length;

  it('is used without a request until maxAgeMs has passed, then revalidated', async () => {
    const server = await repository(['1.0.0']);
    const cache = new Map<string, CachedIndex>();
    let now = 1_000_000;
    const opts = { cache, network: ANY_ADDRESS, now: () => now, maxAgeMs: 5_000 };
    const first = await fetchRepositoryIndex(server.origin, opts);
    now += 4_999;
    assert.equal(await fetchRepositoryIndex(server.origin, opts), first);
    assert.equal(indexRequests(server), 1, 'a copy confirmed 4.999 s ago is used as it is');
    now += 1;
    await fetchRepositoryIndex(server.origin, opts);
    assert.equal(indexRequests(server), 2, 'a copy 5 s old is revalidated');
    await fetchRepositoryIndex(server.origin, { ...opts, maxAgeMs: 0 });
    assert.equal(indexRequests(server), 3, 'maxAgeMs 0 always revalidates');
  });

  it('is looked up afresh when it lacks the version asked for', async () => {
    const versions = ['1.0.0'];
    const server = await repository(versions);
    const cacheDir = mkdtempSync(join(tmpdir(), 'capstan-charts-'));
    dirs.push(cacheDir);
    const opts = { cacheDir, indexCache: new Map<string, CachedIndex>(), network: ANY_ADDRESS, indexMaxAgeMs: 60_000 };
    await fetchRepositoryChart({ repository: server.origin, name: 'hello', version: '1.0.0' }, opts);
    versions.push('1.1.0');
    const got = await fetchRepositoryChart({ repository: server.origin, name: 'hello', version: '1.1.0' }, opts);
    assert.equal(got.version, '1.1.0');
    assert.equal(indexRequests(server), 2);
    await fetchRepositoryChart({ repository: server.origin, name: 'hello', version: '1.1.0' }, opts);
    assert.equal(indexRequests(server), 2, 'the copy just confirmed answers the next reconcile');
  });
});
