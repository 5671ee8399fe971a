import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, describe, it } from 'node:test';
import type { CachedIndex } from '../../../src/helm/chart/repository-index.ts';
import { fetchRepositoryIndex } from '../../../src/helm/chart/repository-index.ts';
import { ANY_ADDRESS } from '../../net/test-access.ts';
import { indexYaml, type RepoServer, startRepoServer } from './repo-server.ts';

const INDEX = indexYaml([['hello', '1.0.0', 'hello-1.0.0.tgz']]);

// An upgrade wave makes N releases due at once; their routine reconciles (maxAgeMs) share one fetch of the index
// rather than one per worker slot. A caller that asks for a fresh copy (maxAgeMs 0) still asks on its own.
describe('concurrent fetches of one repository index', () => {
  const servers: RepoServer[] = [];
  after(async () => { await Promise.all(servers.map(async (s) => s.close())); });
  // A repository whose index answers are held until release() (all of them at once), or fail with `status`.
  const repository = async (status = 200) => {
    const held: ServerResponse[] = [];
    const server = await startRepoServer((_req, res) => void held.push(res));
    servers.push(server);
    const release = () => { for (const res of held.splice(0)) res.writeHead(status).end(status === 200 ? INDEX : 'down'); };
    return { server, release, held: () => held.length };
  };
  const until = async (what: () => boolean) => { while (!what()) await new Promise((r) => setTimeout(r, 5)); };
  const routine = (cache: Map<string, CachedIndex>, signal?: AbortSignal) => ({ cache, network: ANY_ADDRESS, maxAgeMs: 5_000, ...(signal && { signal }) });

  it('is one request for routine callers, each of them given the index', async () => {
    const { server, release, held } = await repository();
    const cache = new Map<string, CachedIndex>();
    const all = Array.from({ length: 5 }, () => fetchRepositoryIndex(server.origin, routine(cache)));
    await until(() => held() === 1);
    release();
    const indexes = await Promise.all(all);
    assert.equal(server.requests.length, 1);
    for (const index of indexes) assert.deepEqual([...index.entries.keys()], ['hello']);
  });

  it('is a request per caller that wants the repository asked now (maxAgeMs 0)', async () => {
    const { server, release, held } = await repository();
    const cache = new Map<string, CachedIndex>();
    const all = Array.from({ length: 3 }, () => fetchRepositoryIndex(server.origin, { cache, network: ANY_ADDRESS }));
    await until(() => held() === 3);
    release();
    await Promise.all(all);
    assert.equal(server.requests.length, 3);
  });

  it('gives the shared failure to every caller, still one request', async () => {
    const { server, release, held } = await repository(500);
    const cache = new Map<string, CachedIndex>();
    const all = Array.from({ length: 3 }, () => fetchRepositoryIndex(server.origin, routine(cache)).then(() => 'ok', () => 'failed'));
    await until(() => held() === 1);
    release();
    assert.deepEqual(await Promise.all(all), ['failed', 'failed', 'failed']);
    assert.equal(server.requests.length, 1);
  });

  it('is fetched again by a caller whose shared fetch was cut short by its starter\'s job', async () => {
    const { server, release, held } = await repository();
    const cache = new Map<string, CachedIndex>();
    const starter = new AbortController();
    const first = fetchRepositoryIndex(server.origin, routine(cache, starter.signal)).then(() => 'ok', () => 'aborted');
    await until(() => held() === 1);
    const second = fetchRepositoryIndex(server.origin, routine(cache));
    starter.abort(new Error('job cancelled'));
    assert.equal(await first, 'aborted');
    await until(() => held() === 2);
    release();
    assert.deepEqual([...(await second).entries.keys()], ['hello']);
  });
});
