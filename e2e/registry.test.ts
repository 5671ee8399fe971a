import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mapLimit } from '../src/map-limit.ts';
import { type RegistryProxy, startRegistryProxy } from './support/registry-proxy.ts';
import { IMAGE_MEDIA_TYPES, listTagsRaw, pushImage, type Registry, type RegistryEndpoint, startRegistry } from './support/registry.ts';

// No cluster here: the registry services the image-watching tests stand on, checked against distribution 2.8.
const AUTH = { username: 'capstan', password: 's3cret-pass' };

async function getJson(reg: RegistryEndpoint, path: string, accept?: string): Promise<{ status: number; body: unknown; headers: Headers }> {
  const headers: Record<string, string> = accept ? { Accept: accept } : {};
  if (reg.auth) headers.Authorization = `Basic ${Buffer.from(`${reg.auth.username}:${reg.auth.password}`).toString('base64')}`;
  const res = await fetch(`${reg.url}${path}`, { headers });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

// The config blob an image's tag points at (single-platform manifest).
async function configOf(reg: RegistryEndpoint, repository: string, tag: string, accept: string): Promise<Record<string, unknown>> {
  const manifest = await getJson(reg, `/v2/${repository}/manifests/${tag}`, accept);
  assert.equal(manifest.status, 200);
  const { config } = manifest.body as { config: { digest: string } };
  return (await getJson(reg, `/v2/${repository}/blobs/${config.digest}`)).body as Record<string, unknown>;
}

describe('an anonymous registry', () => {
  let reg: Registry;
  before(async () => { reg = await startRegistry(); });
  after(() => reg?.stop());

  it('lists the tags pushed, each with its own digest', async () => {
    const a = await pushImage(reg, 'team/app', '1.0.0');
    const b = await pushImage(reg, 'team/app', '1.1.0');
    assert.notEqual(a.digest, b.digest);
    assert.deepEqual((await listTagsRaw(reg, 'team/app')).sort(), ['1.0.0', '1.1.0']);
    assert.match(reg.host, /^127\.0\.0\.1:\d+$/);
  });

  it('serves the config with created and labels, or without created when it is null', async () => {
    const created = new Date('2024-03-01T12:00:00.000Z');
    await pushImage(reg, 'dated', 'v1', { created, labels: { 'org.opencontainers.image.revision': 'abc123' } });
    await pushImage(reg, 'dated', 'untimed', { created: null });
    const timed = await configOf(reg, 'dated', 'v1', IMAGE_MEDIA_TYPES.docker.manifest);
    assert.equal(timed.created, created.toISOString());
    assert.deepEqual((timed.config as { Labels: unknown }).Labels, { 'org.opencontainers.image.revision': 'abc123' });
    assert.equal('created' in (await configOf(reg, 'dated', 'untimed', IMAGE_MEDIA_TYPES.docker.manifest)), false);
  });

  it('takes OCI manifests', async () => {
    const { digest } = await pushImage(reg, 'oci', '2.0.0', { oci: true });
    const res = await getJson(reg, '/v2/oci/manifests/2.0.0', IMAGE_MEDIA_TYPES.oci.manifest);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), IMAGE_MEDIA_TYPES.oci.manifest);
    assert.equal(res.headers.get('docker-content-digest'), digest);
  });

  it('serves a manifest list with one image per platform', async () => {
    const platforms = [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' }];
    const { digest } = await pushImage(reg, 'multi', 'latest', { platforms });
    const res = await getJson(reg, '/v2/multi/manifests/latest', IMAGE_MEDIA_TYPES.docker.list);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('docker-content-digest'), digest);
    const list = res.body as { mediaType: string; manifests: Array<{ platform: unknown }> };
    assert.equal(list.mediaType, IMAGE_MEDIA_TYPES.docker.list);
    assert.deepEqual(list.manifests.map((m) => m.platform), platforms);
  });
});

describe('an htpasswd registry', () => {
  let reg: Registry;
  before(async () => { reg = await startRegistry({ auth: AUTH }); });
  after(() => reg?.stop());

  it('refuses anonymous calls and lists tags with the password', async () => {
    assert.equal((await fetch(`${reg.url}/v2/`)).status, 401);
    assert.equal((await getJson(reg, '/v2/')).status, 200);
    assert.equal((await getJson({ url: reg.url, auth: { ...AUTH, password: 'wrong' } }, '/v2/')).status, 401);
    await pushImage(reg, 'private', '0.1.0');
    assert.deepEqual(await listTagsRaw(reg, 'private'), ['0.1.0']);
    await assert.rejects(listTagsRaw({ url: reg.url }, 'private'), /answered 401/);
  });

  it('is reached through a proxy that passes the Authorization header and rewrites upload Locations', async () => {
    const proxy = await startRegistryProxy(reg, { pageSize: 2 });
    try {
      const through = { url: proxy.url, auth: AUTH };
      for (const tag of ['a', 'b', 'c']) await pushImage(through, 'proxied', tag);
      assert.ok(proxy.requests.some((r) => r.method === 'PUT' && r.path.includes('/blobs/uploads/') && r.status === 201));
      const first = await getJson(through, '/v2/proxied/tags/list');
      assert.deepEqual(first.body, { name: 'proxied', tags: ['a', 'b'] });
      assert.equal(first.headers.get('link'), '</v2/proxied/tags/list?n=2&last=b>; rel="next"');
      assert.equal((await fetch(`${proxy.url}/v2/proxied/tags/list`)).status, 401);
    } finally {
      await proxy.stop();
    }
  });
});

describe('the paginating proxy', () => {
  let reg: Registry;
  let proxy: RegistryProxy;
  const tags = Array.from({ length: 1_000 }, (_, i) => `1.${Math.floor(i / 100)}.${i % 100}`);
  before(async () => {
    reg = await startRegistry();
    proxy = await startRegistryProxy(reg, { pageSize: 100 });
    await pushImage(reg, 'many', tags[0] ?? ''); // the shared layer once, then only configs and manifests
    await mapLimit(tags.slice(1), 8, (tag) => pushImage(reg, 'many', tag));
  });
  after(async () => {
    await proxy?.stop();
    await reg?.stop();
  });

  it('serves 1,000 tags in pages of 100 linked by rel="next"', async () => {
    assert.equal((await listTagsRaw(reg, 'many')).length, 1_000); // distribution 2.8 itself: one page
    const seen: string[] = [];
    let next: string | undefined = '/v2/many/tags/list?n=500'; // n above the page size is capped
    let pages = 0;
    while (next) {
      const res = await getJson(proxy, next);
      assert.equal(res.status, 200);
      const page = (res.body as { tags: string[] }).tags;
      assert.ok(page.length <= 100);
      seen.push(...page);
      pages++;
      next = /^<([^>]+)>; rel="next"$/.exec(res.headers.get('link') ?? '')?.[1];
    }
    assert.equal(pages, 10);
    assert.deepEqual(seen, [...tags].sort());
  });

  it('answers 429 with Retry-After once, then forwards again', async () => {
    proxy.failNext(1, 429, { 'Retry-After': '1' });
    const refused = await fetch(`${proxy.url}/v2/`);
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '1');
    await refused.body?.cancel();
    const served = await fetch(`${proxy.url}/v2/`);
    assert.equal(served.status, 200);
    await served.body?.cancel();
    assert.deepEqual(proxy.requests.slice(-2).map(({ method, path, status }) => ({ method, path, status })), [
      { method: 'GET', path: '/v2/', status: 429 },
      { method: 'GET', path: '/v2/', status: 200 },
    ]);
  });
});
