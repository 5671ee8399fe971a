import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { StallingError } from '../../../src/errors/stalling-error.ts';
import { WaitingError } from '../../../src/errors/waiting-error.ts';
import { type CachedIndex, fetchRepositoryIndex } from '../../../src/helm/chart/repository-index.ts';
import { indexYaml, type RepoServer, serveFiles, startRepoServer } from './repo-server.ts';
import { ANY_ADDRESS } from '../../net/test-access.ts';

const INDEX = indexYaml([['hello', '1.0.0', 'hello-1.0.0.tgz']]);

describe('fetchRepositoryIndex', () => {
  const servers: RepoServer[] = [];
  const serve = async (handler: Parameters<typeof startRepoServer>[0]): Promise<RepoServer> => {
    const server = await startRepoServer(handler);
    servers.push(server);
    return server;
  };
  after(async () => Promise.all(servers.map(async (s) => s.close())));

  it('fetches <repository>/index.yaml and revalidates it with If-None-Match', async () => {
    const server = await serve(serveFiles({ '/charts/index.yaml': INDEX }));
    const cache = new Map<string, CachedIndex>();
    const first = await fetchRepositoryIndex(`${server.origin}/charts/`, { cache, network: ANY_ADDRESS });
    const second = await fetchRepositoryIndex(`${server.origin}/charts`, { cache, network: ANY_ADDRESS });
    assert.equal(second, first);
    assert.deepEqual(server.requests.map((r) => [r.path, r.status]), [['/charts/index.yaml', 200], ['/charts/index.yaml', 304]]);
    assert.match(String(server.requests[1]?.headers['if-none-match']), /^"[0-9a-f]{40}"$/);
  });

  it('revalidates with If-Modified-Since when the repository sends Last-Modified', async () => {
    const stamp = 'Wed, 01 Jan 2025 00:00:00 GMT';
    const server = await serve((req, res) => {
      if (req.headers['if-modified-since'] === stamp) res.writeHead(304).end();
      else res.writeHead(200, { 'last-modified': stamp }).end(INDEX);
    });
    const cache = new Map<string, CachedIndex>();
    await fetchRepositoryIndex(server.origin, { cache, network: ANY_ADDRESS });
    const again = await fetchRepositoryIndex(server.origin, { cache, network: ANY_ADDRESS });
    assert.deepEqual(server.requests.map((r) => r.status), [200, 304]);
    assert.equal(again.entries.get('hello')?.[0]?.version, '1.0.0');
  });

  it('replaces the cached copy when the index changed', async () => {
    let body = INDEX;
    const server = await serve((_req, res) => res.writeHead(200, { etag: `"${body.length}"` }).end(body));
    const cache = new Map<string, CachedIndex>();
    await fetchRepositoryIndex(server.origin, { cache, network: ANY_ADDRESS });
    body = indexYaml([['hello', '1.0.0', 'hello-1.0.0.tgz'], ['hello', '1.1.0', 'hello-1.1.0.tgz']]);
    const changed = await fetchRepositoryIndex(server.origin, { cache, network: ANY_ADDRESS });
    assert.deepEqual(changed.entries.get('hello')?.map((v) => v.version), ['1.0.0', '1.1.0']);
  });

  it('stalls when the URL serves something that is not an index', async () => {
    const server = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>sign in</html>'));
    await assert.rejects(fetchRepositoryIndex(server.origin, { network: ANY_ADDRESS, cache: new Map() }), (error: unknown) =>
      error instanceof StallingError && error.field === 'spec.chart.repository' && /not a Helm repository index/.test(error.message));
  });

  it('waits when the repository does not answer in time', async () => {
    const server = await serve(() => {}); // never answers
    await assert.rejects(fetchRepositoryIndex(server.origin, { network: ANY_ADDRESS, cache: new Map(), timeoutMs: 200 }), (error: unknown) =>
      error instanceof WaitingError && /timed out after 0\.2s/.test(error.message) && error.retryAfterMs === 30_000);
  });

  it('waits when nothing listens', async () => {
    const server = await serve(() => {});
    await server.close();
    await assert.rejects(fetchRepositoryIndex(server.origin, { network: ANY_ADDRESS, cache: new Map() }), (error: unknown) =>
      error instanceof WaitingError && /could not reach .*ECONNREFUSED/.test(error.message));
  });

  it("throws the caller's abort reason as is", async () => {
    const controller = new AbortController();
    const reason = new Error('job cancelled');
    const server = await serve(() => controller.abort(reason)); // aborted once the request is in flight, never answered
    await assert.rejects(fetchRepositoryIndex(server.origin, { network: ANY_ADDRESS, cache: new Map(), signal: controller.signal }), reason);
  });
});
