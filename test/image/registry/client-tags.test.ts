import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseImageRef } from '../../../src/image/image-ref.ts';
import { RegistryError } from '../../../src/image/registry/client.ts';
import { createRateLimiter } from '../../../src/image/registry/rate-limiter.ts';
import { basicAuth, createFakeRegistry, requireAuth, sendJson, startServer, testClient } from './fake-registry.ts';

const PASSWORD = 'hunter2-very-secret';

// Asserts a RegistryError of `kind` whose message passes `check`.
function registryError(kind: RegistryError['kind'], check: (message: string) => void = () => {}) {
  return (e: unknown) => {
    assert.ok(e instanceof RegistryError, `expected a RegistryError, got ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    check(e.message);
    return true;
  };
}

describe('listTags', () => {
  it('lists the tags of a public repository anonymously', async (t) => {
    const registry = createFakeRegistry();
    registry.setTags('team/app', ['1.0', '1.1', 'latest']);
    const server = await startServer(registry.handler);
    t.after(() => server.close());
    const { client, events } = testClient(server.host);
    assert.deepEqual(await client.listTags(parseImageRef(`${server.host}/team/app:1.0`)), ['1.0', '1.1', 'latest']);
    assert.deepEqual(server.received.map((r) => [r.path, r.headers.authorization]), [['/v2/team/app/tags/list?n=1000', undefined]]);
    assert.deepEqual(events, [{ host: server.host, kind: 'tags', status: 200 }]);
  });

  it('reads null tags as none', async (t) => {
    const server = await startServer((_req, res) => sendJson(res, 200, { name: 'team/app', tags: null }));
    t.after(() => server.close());
    assert.deepEqual(await testClient(server.host).client.listTags(parseImageRef(`${server.host}/team/app`)), []);
  });

  it('follows Link rel="next" through 1,050 tags in pages of 100, in order', async (t) => {
    const registry = createFakeRegistry({ pageSize: 100 });
    const all = Array.from({ length: 1050 }, (_, i) => `v${String(i).padStart(4, '0')}`);
    registry.setTags('team/app', all);
    const server = await startServer(registry.handler);
    t.after(() => server.close());
    const tags = await testClient(server.host).client.listTags(parseImageRef(`${server.host}/team/app`));
    assert.deepEqual(tags, all);
    assert.equal(server.received.length, 11);
    assert.equal(server.received[1]?.path, '/v2/team/app/tags/list?n=100&last=v0099');
  });

  it('follows absolute next links on the same origin', async (t) => {
    const registry = createFakeRegistry({ pageSize: 2, absoluteLinks: true });
    registry.setTags('team/app', ['a', 'b', 'c', 'd', 'e']);
    const server = await startServer(registry.handler);
    t.after(() => server.close());
    assert.deepEqual(await testClient(server.host).client.listTags(parseImageRef(`${server.host}/team/app`)), ['a', 'b', 'c', 'd', 'e']);
    assert.equal(server.received.length, 3);
  });

  it('stops past maxTags with an error', async (t) => {
    const registry = createFakeRegistry({ pageSize: 100 });
    registry.setTags('team/app', Array.from({ length: 1050 }, (_, i) => `t${i}`));
    const server = await startServer(registry.handler);
    t.after(() => server.close());
    const { client } = testClient(server.host, { maxTags: 250 });
    await assert.rejects(client.listTags(parseImageRef(`${server.host}/team/app`)), registryError('bad-response', (m) => assert.match(m, /250/)));
    assert.equal(server.received.length, 3);
  });

  it('reports an unknown repository as not-found, naming it', async (t) => {
    const server = await startServer(createFakeRegistry().handler);
    t.after(() => server.close());
    await assert.rejects(testClient(server.host).client.listTags(parseImageRef(`${server.host}/team/gone`)),
      registryError('not-found', (m) => assert.match(m, new RegExp(`${server.host}/team/gone.*HTTP 404 \\(NAME_UNKNOWN\\)`))));
  });
});

describe('registry authentication', () => {
  it('answers a Basic challenge with the credentials, then sends them up front', async (t) => {
    const registry = createFakeRegistry();
    registry.setTags('team/app', ['1']);
    const server = await startServer(requireAuth(basicAuth('bot', PASSWORD), 'Basic realm="fake"', registry.handler));
    t.after(() => server.close());
    const { client } = testClient(server.host, { credentials: (d) => (d === server.host ? { username: 'bot', password: PASSWORD } : undefined) });
    const ref = parseImageRef(`${server.host}/team/app`);
    assert.deepEqual(await client.listTags(ref), ['1']);
    assert.deepEqual(await client.listTags(ref), ['1']);
    assert.deepEqual(server.received.map((r) => r.headers.authorization), [undefined, basicAuth('bot', PASSWORD), basicAuth('bot', PASSWORD)]);
  });

  it('gets a bearer token from the realm with Basic credentials and reuses it', async (t) => {
    const tokens = await startServer((req, res, url) => {
      const scoped = url.searchParams.get('service') === 'fake-registry' && url.searchParams.get('scope') === 'repository:team/app:pull';
      if (req.headers.authorization !== basicAuth('bot', PASSWORD) || !scoped) return sendJson(res, 401, { details: 'no' });
      sendJson(res, 200, { token: 'tok-123', expires_in: 300 });
    });
    t.after(() => tokens.close());
    const registry = createFakeRegistry();
    registry.addImage('team/app', '1', { created: '2025-01-02T03:04:05Z' });
    const challenge = `Bearer realm="${tokens.origin}/token",service="fake-registry",scope="repository:team/app:pull"`;
    const server = await startServer(requireAuth('Bearer tok-123', challenge, registry.handler));
    t.after(() => server.close());
    const { client, events } = testClient(server.host, { credentials: () => ({ username: 'bot', password: PASSWORD }) });
    const ref = parseImageRef(`${server.host}/team/app`);
    assert.deepEqual(await client.listTags(ref), ['1']);
    assert.equal((await client.imageInfo(ref, '1')).created?.toISOString(), '2025-01-02T03:04:05.000Z');
    assert.equal(tokens.received.length, 1);
    assert.deepEqual(events.map((e) => `${e.kind} ${e.status}`), ['tags 401', 'token 200', 'tags 200', 'manifest 200', 'blob 200']);
  });

  it('keeps one token per repository scope and replaces a token the registry stops taking', async (t) => {
    let issued = 0;
    const tokens = await startServer((_req, res, url) => sendJson(res, 200, { token: `${url.searchParams.get('scope')}#${++issued}` }));
    t.after(() => tokens.close());
    const registry = createFakeRegistry();
    registry.setTags('team/a', ['a1']);
    registry.setTags('team/b', ['b1']);
    const revoked = new Set<string>();
    const server = await startServer((req, res, url) => {
      const token = String(req.headers.authorization).replace('Bearer ', '');
      const scope = `repository:${url.pathname.split('/').slice(2, 4).join('/')}:pull#`;
      if (token.startsWith(scope) && !revoked.has(token)) return registry.handler(req, res, url);
      sendJson(res, 401, {}, { 'www-authenticate': `Bearer realm="${tokens.origin}/token",service="s"` });
    });
    t.after(() => server.close());
    const { client } = testClient(server.host);
    for (const repo of ['team/a', 'team/b', 'team/a', 'team/b']) await client.listTags(parseImageRef(`${server.host}/${repo}`));
    assert.equal(tokens.received.length, 2);
    revoked.add('repository:team/a:pull#1');
    assert.deepEqual(await client.listTags(parseImageRef(`${server.host}/team/a`)), ['a1']);
    assert.equal(tokens.received.length, 3);
  });

  it('reads access_token from an anonymous token server', async (t) => {
    const tokens = await startServer((req, res) => sendJson(res, req.headers.authorization ? 400 : 200, { access_token: 'anon' }));
    t.after(() => tokens.close());
    const registry = createFakeRegistry();
    registry.setTags('team/app', ['x']);
    const server = await startServer(requireAuth('Bearer anon', `Bearer realm="${tokens.origin}/token"`, registry.handler));
    t.after(() => server.close());
    assert.deepEqual(await testClient(server.host).client.listTags(parseImageRef(`${server.host}/team/app`)), ['x']);
  });

  it('reports a wrong password as unauthorized without quoting it (Basic and bearer)', async (t) => {
    const tokens = await startServer((_req, res) => sendJson(res, 401, { details: 'bad credentials' }));
    t.after(() => tokens.close());
    const registry = createFakeRegistry();
    registry.setTags('team/app', ['1']);
    const basic = await startServer(requireAuth(basicAuth('bot', 'right'), 'Basic realm="fake"', registry.handler));
    t.after(() => basic.close());
    const bearer = await startServer(requireAuth('Bearer t', `Bearer realm="${tokens.origin}/token",service="s"`, registry.handler));
    t.after(() => bearer.close());
    const secretFree = (m: string) => {
      for (const secret of [PASSWORD, basicAuth('bot', PASSWORD).slice(6, 20), tokens.origin]) assert.ok(!m.includes(secret), m);
    };
    for (const server of [basic, bearer]) {
      const { client } = testClient(server.host, { credentials: () => ({ username: 'bot', password: PASSWORD }) });
      await assert.rejects(client.listTags(parseImageRef(`${server.host}/team/app`)), registryError('unauthorized', secretFree));
    }
  });
});

describe('registry failures', () => {
  it('turns a 429 into rate-limited with Retry-After, halving the host rate, without retrying', async (t) => {
    const server = await startServer((_req, res) => sendJson(res, 429, { errors: [{ code: 'TOOMANYREQUESTS' }] }, { 'retry-after': '7' }));
    t.after(() => server.close());
    const limiter = createRateLimiter({ rps: 10, burst: 10 });
    const { client } = testClient(server.host, { limiter });
    await assert.rejects(client.listTags(parseImageRef(`${server.host}/team/app`)), (e: unknown) => {
      assert.ok(e instanceof RegistryError);
      assert.deepEqual([e.kind, e.status, e.retryAfterMs, e.host, e.repository], ['rate-limited', 429, 7000, server.host, `${server.host}/team/app`]);
      return true;
    });
    assert.equal(limiter.rate(server.host), 5);
    assert.equal(server.received.length, 1);
  });

  it('reports 5xx, refused connections and timeouts as unavailable', async (t) => {
    const failing = await startServer((_req, res) => sendJson(res, 503, 'down'));
    t.after(() => failing.close());
    await assert.rejects(testClient(failing.host).client.listTags(parseImageRef(`${failing.host}/a`)), registryError('unavailable', (m) => assert.match(m, /503/)));

    const silent = await startServer(() => {});
    t.after(() => silent.close());
    await assert.rejects(testClient(silent.host, { timeoutMs: 100 }).client.listTags(parseImageRef(`${silent.host}/a`)),
      registryError('unavailable', (m) => assert.match(m, /timed out after 0.1s/)));

    const closed = await startServer(() => {});
    await closed.close();
    const { client, events } = testClient(closed.host);
    await assert.rejects(client.listTags(parseImageRef(`${closed.host}/a`)), registryError('unavailable', (m) => assert.match(m, /ECONNREFUSED/)));
    assert.deepEqual(events, [{ host: closed.host, kind: 'tags', status: 'error' }]);
  });

  it("passes the caller's abort reason through", async (t) => {
    const controller = new AbortController();
    const silent = await startServer(() => controller.abort(new Error('scan cancelled'))); // mid-request, never answered
    t.after(() => silent.close());
    await assert.rejects(testClient(silent.host).client.listTags(parseImageRef(`${silent.host}/a`), controller.signal), /scan cancelled/);
  });
});
