import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseImageRef } from '../../../src/image/image-ref.ts';
import { createAuthCache } from '../../../src/image/registry/auth-cache.ts';
import { basicAuth, createFakeRegistry, requireAuth, sendJson, startServer, testClient } from './fake-registry.ts';

const PASSWORD = 'hunter2-very-secret';
const bot = { username: 'bot', password: PASSWORD };

// Each scan makes new clients (their credentials come from the pods of that scan); what they learnt about logins
// is kept in one AuthCache, so a scan with nothing new costs one request per repository, not a 401 more.
describe('AuthCache shared by the clients of successive scans', () => {
  it('a Basic host: the next scan sends the credentials up front, one request per repository', async (t) => {
    const registry = createFakeRegistry();
    registry.setTags('team/app', ['1']);
    const server = await startServer(requireAuth(basicAuth('bot', PASSWORD), 'Basic realm="fake"', registry.handler));
    t.after(() => server.close());
    const authCache = createAuthCache();
    const scan = () => testClient(server.host, { credentials: () => bot, authCache }).client.listTags(parseImageRef(`${server.host}/team/app`));
    assert.deepEqual(await scan(), ['1']);
    assert.equal(server.received.length, 2); // anonymous, challenged; then Basic
    assert.deepEqual(await scan(), ['1']);
    assert.deepEqual(server.received.slice(2).map((r) => r.headers.authorization), [basicAuth('bot', PASSWORD)]);
  });

  it('a bearer token is reused by the next scan with the same login, and never by one with another login or none', async (t) => {
    const tokens = await startServer((req, res) => sendJson(res, 200, { token: `for ${req.headers.authorization ?? 'anonymous'}`, expires_in: 300 }));
    t.after(() => tokens.close());
    const registry = createFakeRegistry();
    registry.setTags('team/app', ['1']);
    const server = await startServer((req, res, url) => {
      if (String(req.headers.authorization).startsWith('Bearer for ')) return registry.handler(req, res, url);
      sendJson(res, 401, {}, { 'www-authenticate': `Bearer realm="${tokens.origin}/token",service="s"` });
    });
    t.after(() => server.close());
    const authCache = createAuthCache();
    const ref = parseImageRef(`${server.host}/team/app`);
    const scan = (login: typeof bot | undefined) => testClient(server.host, { credentials: () => login, authCache }).client.listTags(ref);
    await scan(bot);
    assert.equal(server.received.length, 2);
    await scan(bot);
    assert.equal(tokens.received.length, 1);
    assert.deepEqual(server.received.slice(2).map((r) => r.headers.authorization), [`Bearer for ${basicAuth('bot', PASSWORD)}`]);
    await scan({ username: 'other', password: 'x' });
    await scan(undefined);
    assert.equal(tokens.received.length, 3);
    assert.deepEqual(tokens.received.slice(1).map((r) => r.headers.authorization), [basicAuth('other', 'x'), undefined]);
  });

  it('an expired token is not used; past its bound the least recently fetched token goes first', () => {
    const cache = createAuthCache(2);
    const key = (scope: string) => ({ domain: 'r.example', scope, login: bot });
    cache.putToken(key('a'), { value: 'ta', expiresAt: 1_000 });
    assert.equal(cache.token(key('a'), 999), 'ta');
    assert.equal(cache.token(key('a'), 1_000), undefined);
    cache.putToken(key('a'), { value: 'ta', expiresAt: 9_000 });
    cache.putToken(key('b'), { value: 'tb', expiresAt: 9_000 });
    cache.putToken(key('c'), { value: 'tc', expiresAt: 9_000 });
    assert.deepEqual(['a', 'b', 'c'].map((s) => cache.token(key(s), 0)), [undefined, 'tb', 'tc']);
  });
});
