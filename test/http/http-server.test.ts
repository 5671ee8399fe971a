import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { startHttpServer, type Route } from '../../src/http/http-server.ts';

// A route that answers 200 on every path it is given, to see which requests the guard lets through.
const echo = (paths: string[]): Route => (req, res) => {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (!paths.includes(path)) return false;
  res.writeHead(200).end(`reached ${path}`);
  return true;
};
const PATHS = ['/api/capstan/v1/sync', '/api/flux/v11/notify', '/dashboard/', '/hooks/git'];

async function serve(opts: { apiToken?: string; dashboardToken?: string }): Promise<{ server: Server; url: string; warnings: string[] }> {
  const warnings: string[] = [];
  const server = await startHttpServer({
    host: '127.0.0.1', port: 0, registry: new Registry(), ready: () => true, routes: [echo(PATHS)], ...opts, warn: (m) => warnings.push(m),
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, warnings };
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('startHttpServer route guard', () => {
  describe('with --api-token on loopback', () => {
    const TOKEN = 'api-t0ken-for-tests';
    let s: Awaited<ReturnType<typeof serve>>;
    before(async () => { s = await serve({ apiToken: TOKEN, dashboardToken: 'dash-t0ken' }); });
    after(() => close(s.server));

    for (const path of ['/api/capstan/v1/sync', '/api/flux/v11/notify', '/nowhere']) {
      it(`answers ${path} 401 with a Bearer challenge without the token, or with a wrong one`, async () => {
        for (const headers of [{}, { authorization: 'Bearer wrong-token' }, { authorization: `Bearer ${TOKEN}x` }] as Array<Record<string, string>>) {
          const res = await fetch(`${s.url}${path}`, { headers });
          assert.equal(res.status, 401);
          assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="capstan"');
          assert.doesNotMatch(await res.text(), /reached/);
        }
      });
    }

    it('lets the token through as Bearer, as fluxctl\'s Scope-Probe and as a Basic password', async () => {
      for (const authorization of [`Bearer ${TOKEN}`, `Scope-Probe token=${TOKEN}`, `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`]) {
        const res = await fetch(`${s.url}/api/capstan/v1/sync`, { headers: { authorization } });
        assert.equal(res.status, 200, authorization);
        assert.equal(await res.text(), 'reached /api/capstan/v1/sync');
      }
    });

    it('asks a browser for Basic on the dashboard, and admits the dashboard token or the api token there only', async () => {
      const refused = await fetch(`${s.url}/dashboard/`);
      assert.equal(refused.status, 401);
      assert.match(refused.headers.get('www-authenticate') ?? '', /^Basic realm="capstan"/);
      const basic = (t: string) => ({ authorization: `Basic ${Buffer.from(`any:${t}`).toString('base64')}` });
      assert.equal((await fetch(`${s.url}/dashboard/`, { headers: basic('dash-t0ken') })).status, 200);
      assert.equal((await fetch(`${s.url}/dashboard/`, { headers: basic(TOKEN) })).status, 200);
      assert.equal((await fetch(`${s.url}/api/capstan/v1/sync`, { headers: basic('dash-t0ken') })).status, 401);
    });

    it('keeps /metrics, /healthz, /readyz and the webhooks open', async () => {
      for (const path of ['/metrics', '/healthz', '/readyz']) assert.equal((await fetch(`${s.url}${path}`)).status, 200, path);
      assert.equal(await (await fetch(`${s.url}/hooks/git`, { method: 'POST' })).text(), 'reached /hooks/git');
    });

    it('does not warn: a token is set', () => assert.deepEqual(s.warnings, []));
  });

  describe('without tokens on loopback', () => {
    let s: Awaited<ReturnType<typeof serve>>;
    before(async () => { s = await serve({}); });
    after(() => close(s.server));

    it('serves every route without credentials, and does not warn', async () => {
      for (const path of PATHS) assert.equal((await fetch(`${s.url}${path}`, { method: path === '/hooks/git' ? 'POST' : 'GET' })).status, 200, path);
      assert.deepEqual(s.warnings, []);
    });
  });
});
