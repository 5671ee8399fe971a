import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { pushedRepositories, registryHookRoute } from '../../src/http/registry-hook.ts';

describe('registry push webhooks', () => {
  it('reads the pushed repositories from distribution\'s envelope, manifests only, normalised', () => {
    const envelope = { events: [
      { action: 'push', target: { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', repository: 'team/web', tag: '1.2' }, request: { host: '127.0.0.1:5000' } },
      { action: 'push', target: { mediaType: 'application/octet-stream', repository: 'team/blobs' }, request: { host: '127.0.0.1:5000' } },
      { action: 'pull', target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', repository: 'team/pulled', tag: '1' }, request: { host: '127.0.0.1:5000' } },
      { action: 'push', target: { mediaType: 'application/vnd.oci.image.index.v1+json', repository: 'nginx' }, request: { host: 'docker.io' } },
    ] };
    assert.deepEqual(pushedRepositories(envelope), ['127.0.0.1:5000/team/web', 'docker.io/library/nginx']);
    assert.deepEqual(pushedRepositories({ push_data: { tag: 'v2' }, repository: { repo_name: 'acme/api' } }), ['docker.io/acme/api']);
    assert.equal(pushedRepositories({ something: 'else' }), undefined, 'an unknown payload rescans everything');
  });

  describe('POST /hooks/registry', () => {
    const nudges: Array<string[] | undefined> = [];
    let server: Server;
    let url = '';
    before(async () => {
      const route = registryHookRoute('hook-s3cret', (r) => nudges.push(r));
      server = createServer((req, res) => void Promise.resolve(route(req, res)).then((handled) => handled || res.writeHead(404).end()));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/registry`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const hub = JSON.stringify({ repository: { repo_name: 'acme/api' } });

    it('nudges on a request carrying the secret as a bearer token or ?token=, and refuses others', async () => {
      assert.equal((await fetch(url, { method: 'POST', body: hub, headers: { authorization: 'Bearer hook-s3cret' } })).status, 202);
      assert.equal((await fetch(`${url}?token=hook-s3cret`, { method: 'POST', body: hub })).status, 202);
      assert.equal((await fetch(url, { method: 'POST', body: hub })).status, 401);
      assert.equal((await fetch(url, { method: 'POST', body: hub, headers: { authorization: 'Bearer wrong' } })).status, 401);
      assert.equal((await fetch(`${url}?token=hook-s3cret`, { method: 'POST', body: 'not json' })).status, 400);
      assert.deepEqual(nudges, [['docker.io/acme/api'], ['docker.io/acme/api']]);
    });

    it('is not served without a secret', async () => {
      const route = registryHookRoute(undefined, () => assert.fail('nudged'));
      const res = { status: 0, writeHead(code: number) { this.status = code; return this; }, end() { return this; } };
      const req = Object.assign((async function* () { yield Buffer.from(hub); })(), { method: 'POST', url: '/hooks/registry', headers: {} });
      assert.equal(await route(req as never, res as never), true);
      assert.equal(res.status, 404);
    });
  });
});
