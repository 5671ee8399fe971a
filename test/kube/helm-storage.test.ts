import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import { StallingError } from '../../src/errors/stalling-error.ts';
import { MAX_RELEASE_BYTES, decodeStoredRelease, encodeStoredRelease } from '../../src/kube/helm-storage.ts';
import { realKubeClient } from '../../src/kube/real-client.ts';
import { type FakeApiServer, json, startFakeApiServer } from './fake-api-server.ts';

// `data.release` as the API returns it: base64 of helm's base64 of (gzipped) JSON.
const asStored = (packed: Buffer): string => Buffer.from(packed.toString('base64')).toString('base64');

// 200 MiB of JSON whitespace around an object: about 200 KiB gzipped, so it fits in a Secret.
function gzipBomb(): Buffer {
  const json = Buffer.alloc(200 * 1024 * 1024, ' ');
  json.write('{"info":{"status":"pending-upgrade"}}', 0);
  return gzipSync(json, { level: 9 });
}

describe("Helm storage Secrets' releases", () => {
  const servers: FakeApiServer[] = [];
  after(async () => Promise.all(servers.map(async (s) => s.close())));

  it('decode as Helm encodes them, gzipped or not, and encode back', () => {
    const release = { name: 'demo', version: 3, info: { status: 'pending-upgrade' }, manifest: 'kind: ConfigMap\n' };
    assert.deepEqual(decodeStoredRelease(encodeStoredRelease(release), 'team-a/sh.helm.release.v1.demo.v3'), release);
    assert.deepEqual(decodeStoredRelease(asStored(Buffer.from(JSON.stringify(release))), 'x'), release);
  });

  it('stop at 64 MiB: a gzip bomb is a clear error naming the Secret and the limit, and memory stays bounded', () => {
    const bomb = gzipBomb();
    assert.ok(bomb.length < 1024 * 1024, 'the bomb fits in a Secret');
    assert.equal(MAX_RELEASE_BYTES, 64 * 1024 * 1024);
    const before = process.memoryUsage().rss;
    assert.throws(() => decodeStoredRelease(asStored(bomb), 'team-a/sh.helm.release.v1.demo.v2'), (error: unknown) =>
      error instanceof StallingError && /^Helm storage Secret team-a\/sh\.helm\.release\.v1\.demo\.v2: the release is larger than 64 MiB/.test(error.message));
    assert.ok(process.memoryUsage().rss - before < 150 * 1024 * 1024, 'never inflated the whole bomb');
  });

  it('refuse corrupt gzip and non-JSON with the Secret named', () => {
    const corrupt = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08]), Buffer.from('not really gzip')]);
    assert.throws(() => decodeStoredRelease(asStored(corrupt), 'ns/s'), /Helm storage Secret ns\/s: the release is not valid gzip/);
    assert.throws(() => decodeStoredRelease(asStored(gzipSync('[1,2]')), 'ns/s'), /Helm storage Secret ns\/s: the release is not a JSON object/);
    assert.throws(() => decodeStoredRelease(asStored(Buffer.from('<html>')), 'ns/s'), /Helm storage Secret ns\/s: the release is not JSON/);
  });

  it('marking a pending revision failed refuses a bomb without writing anything', async () => {
    const bomb = asStored(gzipBomb());
    const server = await startFakeApiServer((req, res) => json(res, {
      apiVersion: 'v1', kind: 'Secret', data: { release: bomb },
      metadata: { name: req.url.pathname.split('/').at(-1), namespace: 'team-a', resourceVersion: '7' },
    }));
    servers.push(server);
    await assert.rejects(realKubeClient(server.kc).markHelmRevisionFailed('team-a', 'demo', 2, 'recovering'), (error: unknown) =>
      error instanceof StallingError && /sh\.helm\.release\.v1\.demo\.v2: the release is larger than 64 MiB/.test(error.message));
    assert.deepEqual(server.requests.map((r) => r.method), ['GET']);
  });
});
