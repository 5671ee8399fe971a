import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import { guardedFetch } from '../../src/net/guarded-fetch.ts';
import { AddressRefusedError, networkAccess } from '../../src/net/network-access.ts';
import { SECURE_DEFAULTS } from '../../src/security-config.ts';
import { type Handler, type RepoServer, startRepoServer } from '../helm/chart/repo-server.ts';
import { ANY_ADDRESS, onlyEndpoints } from './test-access.ts';

// Every server here listens on 127.0.0.1, and every refused address is refused before a packet leaves: the
// policy sees 169.254.169.254, 127.0.0.2 or the Redis port only as text.
describe('guardedFetch', () => {
  const servers: RepoServer[] = [];
  const serve = async (handler: Handler): Promise<RepoServer> => {
    const server = await startRepoServer(handler);
    servers.push(server);
    return server;
  };
  after(async () => Promise.all(servers.map(async (s) => s.close())));
  const ok: Handler = (_req, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
  const redirectTo = (location: string): Handler => (_req, res) => void res.writeHead(302, { location }).end();
  const endpoint = (server: RepoServer): string => new URL(server.origin).host;
  const refused = (range: RegExp, also?: RegExp) => (error: unknown): boolean => {
    assert.ok(error instanceof AddressRefusedError, `not an AddressRefusedError: ${String(error)}`);
    assert.match(error.message, range);
    assert.match(error.message, /Capstan fetches only public addresses unless started with --allow-private-networks$/);
    if (also) assert.match(error.message, also);
    return true;
  };

  it('refuses a loopback server by default, before sending it anything', async () => {
    const server = await serve(ok);
    await assert.rejects(guardedFetch(new URL(`${server.origin}/values.yaml`), { access: networkAccess(SECURE_DEFAULTS) }),
      refused(/^refused: 127\.0\.0\.1 is loopback \(127\.0\.0\.0\/8\)/));
    assert.deepEqual(server.requests, []);
  });

  it('refuses a name that resolves to a refused address, naming both', async () => {
    const access = onlyEndpoints([], { 'metadata.test': ['169.254.169.254'] });
    await assert.rejects(guardedFetch(new URL('http://metadata.test/latest/meta-data/'), { access }),
      refused(/169\.254\.169\.254 \(the address of metadata\.test\) is link-local \(169\.254\.0\.0\/16\)/));
  });

  it('refuses a name when any one of its addresses is refused, even if another is allowed', async () => {
    const server = await serve(ok);
    const { port } = new URL(server.origin);
    const access = onlyEndpoints([endpoint(server)], { 'mixed.test': ['127.0.0.1', '10.0.0.7'] });
    await assert.rejects(guardedFetch(new URL(`http://mixed.test:${port}/`), { access }), refused(/10\.0\.0\.7 .* is private/));
    assert.deepEqual(server.requests, []);
  });

  it('fetches a loopback server with --allow-private-networks', async () => {
    const server = await serve(ok);
    const res = await guardedFetch(new URL(`${server.origin}/values.yaml`), { access: networkAccess({ allowPrivateNetworks: true }) });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'hello');
  });

  it('checks every redirect hop: a redirect to another loopback address, the Redis port or the metadata service is refused', async () => {
    const target = await serve(ok);
    for (const [location, range] of [
      ['http://127.0.0.2/', /127\.0\.0\.2 is loopback/],
      ['http://127.0.0.1:6379/', /127\.0\.0\.1 is loopback/],
      ['http://[::ffff:127.0.0.1]:6379/', /::ffff:7f00:1 is loopback \(127\.0\.0\.0\/8, as an IPv4-mapped IPv6 address\)/],
      ['http://0x7f.1/', /127\.0\.0\.1 is loopback/],
      ['http://metadata.test/computeMetadata/v1/', /169\.254\.169\.254 \(the address of metadata\.test\) is link-local/],
      [`${target.origin}/`, /127\.0\.0\.1 is loopback/], // a server not on the allowed list
    ] as const) {
      const entry = await serve(redirectTo(location));
      const access = onlyEndpoints([endpoint(entry)], { 'metadata.test': ['169.254.169.254'] });
      await assert.rejects(guardedFetch(new URL(`${entry.origin}/index.yaml`), { access }),
        refused(range, /reached by a redirect to http:\/\//), location);
      assert.equal(entry.requests.length, 1, 'the allowed server was asked');
    }
    assert.deepEqual(target.requests, [], 'the refused target never was');
  });

  it('follows redirects between allowed servers, sending credentials only to the first origin', async () => {
    const final = await serve(ok);
    const second = await serve(redirectTo(`${final.origin}/elsewhere`));
    const first = await serve((req, res) => {
      if (req.url === '/start') res.writeHead(301, { location: '/moved' }).end();
      else res.writeHead(307, { location: `${second.origin}/hop` }).end();
    });
    const access = onlyEndpoints([first, second, final].map(endpoint));
    const headers = { authorization: 'Basic c2VjcmV0', cookie: 'session=1', accept: 'text/plain' };
    const res = await guardedFetch(new URL(`${first.origin}/start`), { access, headers });
    assert.equal(await res.text(), 'hello');
    assert.deepEqual(first.requests.map((r) => [r.path, r.headers.authorization, r.headers.cookie]),
      [['/start', 'Basic c2VjcmV0', 'session=1'], ['/moved', 'Basic c2VjcmV0', 'session=1']], 'same origin: credentials kept');
    for (const other of [second, final]) {
      assert.equal(other.requests.length, 1);
      assert.equal(other.requests[0]?.headers.authorization, undefined, 'another origin: no Authorization');
      assert.equal(other.requests[0]?.headers.cookie, undefined, 'another origin: no Cookie');
      assert.equal(other.requests[0]?.headers.accept, 'text/plain');
    }
  });

  it('stops after 5 redirects, and never follows one to a scheme other than http(s)', async () => {
    const loop = await serve((req, res) => void res.writeHead(302, { location: `/n${Number(req.url?.slice(2) || 0) + 1}` }).end());
    const access = onlyEndpoints([endpoint(loop)]);
    const error = await guardedFetch(new URL(`${loop.origin}/n0`), { access }).catch((e: unknown) => e);
    assert.ok(error instanceof TypeError && error.cause instanceof Error, String(error));
    assert.match(error.cause.message, /more than 5 redirects/);
    assert.equal(loop.requests.length, 6);

    const file = await serve(redirectTo('file:///etc/passwd'));
    const fileError = await guardedFetch(new URL(`${file.origin}/`), { access: onlyEndpoints([endpoint(file)]) }).catch((e: unknown) => e);
    assert.ok(fileError instanceof TypeError && fileError.cause instanceof Error);
    assert.match(fileError.cause.message, /a redirect to a file: URL; only http and https are followed/);
  });

  it('connects to the address it checked: a name that re-binds after the check is not resolved again', async () => {
    const server = await serve(ok);
    const { port } = new URL(server.origin);
    const access = onlyEndpoints([endpoint(server)]);
    let answers = 0;
    // first answer allowed, every later one a refused address where nothing listens
    const rebinding = { ...access, resolve: async () => [{ address: answers++ === 0 ? '127.0.0.1' : '127.0.0.2', family: 4 }] };
    const res = await guardedFetch(new URL(`http://rebind.test:${port}/`), { access: rebinding });
    assert.equal(await res.text(), 'hello');
    assert.equal(answers, 1, 'resolved once, for the check and the connection alike');
    assert.equal(server.requests[0]?.headers.host, `rebind.test:${port}`, 'the Host header keeps the name');
  });

  it('behaves as fetch otherwise: gzip decoded, network errors as TypeError, the abort reason as is', async () => {
    const zipped = await serve((_req, res) => void res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('values: 1\n')));
    assert.equal(await (await guardedFetch(new URL(zipped.origin), { access: ANY_ADDRESS })).text(), 'values: 1\n');

    const closed = await serve(ok);
    await closed.close();
    const error = await guardedFetch(new URL(closed.origin), { access: ANY_ADDRESS }).catch((e: unknown) => e);
    assert.ok(error instanceof TypeError && (error.cause as { code?: string }).code === 'ECONNREFUSED', String(error));

    const reason = new Error('job cancelled');
    const controller = new AbortController();
    const silent = await serve(() => controller.abort(reason)); // aborted once the request is in flight, never answered
    await assert.rejects(guardedFetch(new URL(silent.origin), { access: ANY_ADDRESS, signal: controller.signal }), (e) => e === reason);
  });
});
