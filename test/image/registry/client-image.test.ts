import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseImageRef } from '../../../src/image/image-ref.ts';
import { parsePlatform, RegistryError } from '../../../src/image/registry/client.ts';
import { basicAuth, createFakeRegistry, requireAuth, startServer, testClient } from './fake-registry.ts';

const AMD64 = { os: 'linux', architecture: 'amd64' };
const ARM64 = { os: 'linux', architecture: 'arm64' };

// A fake registry on loopback with `setup` applied, and a client for it; closed when the test ends.
async function serveRegistry(t: { after(fn: () => unknown): void }, setup: (r: ReturnType<typeof createFakeRegistry>) => void,
  opts: Parameters<typeof createFakeRegistry>[0] = {}) {
  const registry = createFakeRegistry(opts);
  setup(registry);
  const server = await startServer(registry.handler);
  t.after(() => server.close());
  return { registry, server, ref: parseImageRef(`${server.host}/team/app`) };
}

describe('imageInfo', () => {
  it('picks linux/amd64 from a manifest list by default and linux/arm64 when asked; the digest is the list\'s', async (t) => {
    let listDigest = '';
    const { server, ref } = await serveRegistry(t, (r) => {
      listDigest = r.addIndex('team/app', '2.0', [
        { platform: ARM64, image: { created: '2025-02-01T00:00:00Z' } },
        { platform: AMD64, image: { created: '2025-01-01T00:00:00Z' } },
      ]);
    });
    const amd = await testClient(server.host).client.imageInfo(ref, '2.0');
    assert.deepEqual(amd, { digest: listDigest, created: new Date('2025-01-01T00:00:00Z') });
    const arm = await testClient(server.host, { platform: parsePlatform('linux/arm64/v8') }).client.imageInfo(ref, '2.0');
    assert.deepEqual(arm, { digest: listDigest, created: new Date('2025-02-01T00:00:00Z') });
    assert.match(String(server.received[0]?.headers.accept), /manifest\.list\.v2\+json.*oci\.image\.index\.v1\+json/);
  });

  it('matches the variant of an OCI index when the platform names one', async (t) => {
    const { server, ref } = await serveRegistry(t, (r) => {
      r.addIndex('team/app', '1', [
        { platform: { os: 'linux', architecture: 'arm', variant: 'v6' }, image: { created: '2025-01-06T00:00:00Z' } },
        { platform: { os: 'linux', architecture: 'arm', variant: 'v7' }, image: { created: '2025-01-07T00:00:00Z' } },
      ], true);
    });
    const info = await testClient(server.host, { platform: parsePlatform('linux/arm/v7') }).client.imageInfo(ref, '1');
    assert.equal(info.created?.toISOString(), '2025-01-07T00:00:00.000Z');
  });

  it('says which platform is missing from a manifest list', async (t) => {
    const { server, ref } = await serveRegistry(t, (r) => r.addIndex('team/app', '1', [{ platform: ARM64, image: {} }]));
    const { client } = testClient(server.host, { platform: parsePlatform('linux/s390x') });
    await assert.rejects(client.imageInfo(ref, '1'), (e: unknown) => {
      assert.ok(e instanceof RegistryError && e.kind === 'not-found');
      assert.match(e.message, new RegExp(`${server.host}/team/app:1: no image for linux/s390x .*linux/arm64`));
      return true;
    });
  });

  // [what, image, created]
  const times: Array<[string, Parameters<ReturnType<typeof createFakeRegistry>['addImage']>[2], string | undefined]> = [
    ['the config created', { created: '2025-03-04T05:06:07.123456789Z' }, '2025-03-04T05:06:07.123Z'],
    ['the OCI label over created', { created: '2025-01-01T00:00:00Z', labels: { 'org.opencontainers.image.created': '2025-06-01T12:00:00+02:00' } }, '2025-06-01T10:00:00.000Z'],
    ['the label-schema build-date over created', { created: '2025-01-01T00:00:00Z', labels: { 'org.label-schema.build-date': '2025-07-01T00:00:00Z' } }, '2025-07-01T00:00:00.000Z'],
    ['the OCI annotation over a zero created', { oci: true, created: '0001-01-01T00:00:00Z', annotations: { 'org.opencontainers.image.created': '2025-08-01T00:00:00Z' } }, '2025-08-01T00:00:00.000Z'],
    ['created, when the label is unreadable', { created: '2025-01-01T00:00:00Z', labels: { 'org.opencontainers.image.created': 'last tuesday' } }, '2025-01-01T00:00:00.000Z'],
    ['nothing for a zero time', { created: '0001-01-01T00:00:00Z' }, undefined],
    ['nothing for the Unix epoch (SOURCE_DATE_EPOCH=0)', { created: '1970-01-01T00:00:00Z' }, undefined],
    ['nothing for an unparsable time', { created: 'yesterday' }, undefined],
    ['nothing when there is no time', {}, undefined],
  ];
  for (const [what, image, created] of times) {
    it(`reads ${what}`, async (t) => {
      const { server, ref } = await serveRegistry(t, (r) => r.addImage('team/app', '1', image));
      const info = await testClient(server.host).client.imageInfo(ref, '1');
      assert.equal(info.created?.toISOString(), created);
    });
  }

  it('returns the labels and the Docker-Content-Digest of a single-platform image', async (t) => {
    let digest = '';
    const { server, ref } = await serveRegistry(t, (r) => {
      digest = r.addImage('team/app', '1', { created: '2025-01-01T00:00:00Z', labels: { team: 'payments' } });
    });
    const { client, events } = testClient(server.host);
    assert.deepEqual(await client.imageInfo(ref, '1'), { digest, created: new Date('2025-01-01T00:00:00Z'), labels: { team: 'payments' } });
    assert.deepEqual(events.map((e) => e.kind), ['manifest', 'blob']);
  });

  it('hashes the manifest when the registry sends no Docker-Content-Digest', async (t) => {
    let digest = '';
    const { server, ref } = await serveRegistry(t, (r) => {
      digest = r.addImage('team/app', '1', {});
    }, { contentDigest: false });
    assert.equal((await testClient(server.host).client.imageInfo(ref, '1')).digest, digest);
  });

  it('reads created from a schema 1 manifest\'s first v1Compatibility', async (t) => {
    const { server, ref } = await serveRegistry(t, (r) => r.addSchema1('team/app', 'old', '2016-05-06T07:08:09.123Z'));
    const info = await testClient(server.host).client.imageInfo(ref, 'old');
    assert.equal(info.created?.toISOString(), '2016-05-06T07:08:09.123Z');
    assert.deepEqual(info.labels, { team: 'old' });
  });

  it('reports an unknown tag as not-found, naming repository and tag', async (t) => {
    const { server, ref } = await serveRegistry(t, (r) => r.setTags('team/app', []));
    await assert.rejects(testClient(server.host).client.imageInfo(ref, 'nope'), (e: unknown) => {
      assert.ok(e instanceof RegistryError && e.kind === 'not-found' && e.status === 404);
      assert.match(e.message, new RegExp(`${server.host}/team/app:nope: .*HTTP 404 \\(MANIFEST_UNKNOWN\\)`));
      return true;
    });
  });

  it('refuses a config blob that does not match its digest', async (t) => {
    const { server, ref } = await serveRegistry(t, (r) => {
      r.addImage('team/app', '1', { created: '2025-01-01T00:00:00Z' });
      for (const digest of r.blobs.keys()) r.blobs.set(digest, '{"created":"2030-01-01T00:00:00Z"}');
    });
    await assert.rejects(testClient(server.host).client.imageInfo(ref, '1'), (e: unknown) => e instanceof RegistryError && e.kind === 'bad-response');
  });

  it('follows a blob redirect to another origin without sending the credentials there', async (t) => {
    const registry = createFakeRegistry();
    registry.addImage('team/app', '1', { created: '2025-01-01T00:00:00Z' });
    const storage = await startServer((req, res, url) => registry.handler(req, res, new URL(url.pathname.replace('/storage', ''), url)));
    t.after(() => storage.close());
    const auth = basicAuth('bot', 'pw');
    const server = await startServer(requireAuth(auth, 'Basic realm="fake"', (req, res, url) => {
      if (!url.pathname.includes('/blobs/')) return registry.handler(req, res, url);
      res.writeHead(307, { location: `${storage.origin}/storage${url.pathname}` });
      res.end();
    }));
    t.after(() => server.close());
    const { client } = testClient(server.host, { credentials: () => ({ username: 'bot', password: 'pw' }) });
    const info = await client.imageInfo(parseImageRef(`${server.host}/team/app`), '1');
    assert.equal(info.created?.toISOString(), '2025-01-01T00:00:00.000Z');
    assert.equal(storage.received.length, 1);
    assert.equal(storage.received[0]?.headers.authorization, undefined);
  });
});

describe('parsePlatform', () => {
  it('reads os/architecture[/variant] and refuses anything else, naming it', () => {
    assert.deepEqual(parsePlatform('linux/amd64'), AMD64);
    assert.deepEqual(parsePlatform('linux/arm64/v8'), { ...ARM64, variant: 'v8' });
    for (const bad of ['linux', 'linux/', 'a/b/c/d', 'linux/amd 64']) assert.throws(() => parsePlatform(bad), new RegExp(`"${bad}"`));
  });
});
