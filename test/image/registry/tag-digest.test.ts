import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseImageRef } from '../../../src/image/image-ref.ts';
import { MANIFEST_ACCEPT } from '../../../src/image/registry/manifest.ts';
import { basicAuth, createFakeRegistry, requireAuth, startServer, testClient } from './fake-registry.ts';

describe('digest: what a tag points to, from one HEAD', () => {
  it('sends one HEAD with the Accept of a manifest read and answers the digest imageInfo reports', async (t) => {
    const registry = createFakeRegistry();
    registry.addIndex('team/app', '1', [{ platform: { os: 'linux', architecture: 'amd64' }, image: { created: '2025-01-01T00:00:00Z' } }]);
    const server = await startServer(registry.handler);
    t.after(() => server.close());
    const { client, events } = testClient(server.host);
    const ref = parseImageRef(`${server.host}/team/app`);
    const digest = await client.digest(ref, '1');
    assert.deepEqual(server.received.map((r) => [r.method, r.path, r.headers.accept]), [['HEAD', '/v2/team/app/manifests/1', MANIFEST_ACCEPT]]);
    assert.deepEqual(events.map((e) => `${e.kind} ${e.status}`), ['manifest 200']);
    assert.equal(digest, (await client.imageInfo(ref, '1')).digest);
  });

  it('answers a login challenge as a GET does, and is undefined when the registry sends no digest', async (t) => {
    const registry = createFakeRegistry({ contentDigest: false });
    registry.addImage('team/app', '1', { created: '2025-01-01T00:00:00Z' });
    const server = await startServer(requireAuth(basicAuth('bot', 'pw'), 'Basic realm="fake"', registry.handler));
    t.after(() => server.close());
    const { client } = testClient(server.host, { credentials: () => ({ username: 'bot', password: 'pw' }) });
    assert.equal(await client.digest(parseImageRef(`${server.host}/team/app`), '1'), undefined);
    assert.deepEqual(server.received.map((r) => [r.method, r.headers.authorization]), [['HEAD', undefined], ['HEAD', basicAuth('bot', 'pw')]]);
  });
});
