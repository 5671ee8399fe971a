import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imagesRoute } from '../../src/fluxapi/images.ts';
import { memoryImageCache } from '../../src/image/scan/image-cache.ts';
import { deployment, fakeLive, serveRoutes, shapeOf, source } from './fixtures.ts';

// v6.ImageStatus as fluxctl decodes it.
const IMAGE_STATUS = { ID: 'string', Containers: 'array' };

describe('GET /v10/images', () => {
  it('answers each synced workload\'s containers from the scan cache, with the container\'s filter, never asking a registry', async () => {
    const src = source({ record: {} });
    const cache = memoryImageCache();
    await cache.putTags('registry.example/team/app', { tags: ['1.0.0', '1.1.0', '2.0.0'], fetchedAt: Date.now() });
    let reads = 0;
    const counting = { ...cache, tags: (r: string) => { reads++; return cache.tags(r); } };
    const live = fakeLive([
      deployment('web', { mark: src, annotations: { 'fluxcd.io/automated': 'true', 'fluxcd.io/tag.app': 'semver:~1' } }),
      deployment('api', { mark: src }),
    ]);
    const api = await serveRoutes([imagesRoute({ sources: [src], live, namespaces: [], cache: counting })]);
    try {
      const all = (await (await fetch(`${api.url}/v10/images?service=%3Call%3E&containerFields=&namespace=team`)).json()) as Array<Record<string, unknown>>;
      assert.deepEqual(all.map((s) => s.ID), ['team:deployment/api', 'team:deployment/web']);
      for (const s of all) assert.deepEqual(shapeOf(s), IMAGE_STATUS);
      assert.equal(reads, 1, 'one cache read per repository per request');
      const [web] = (await (await fetch(`${api.url}/v10/images?service=team:deployment/web&containerFields=Name,LatestFiltered,FilteredImagesCount&namespace=`)).json()) as Array<{ Containers: Array<Record<string, unknown>> }>;
      assert.deepEqual(web?.Containers, [{ Name: 'app', LatestFiltered: { ID: 'registry.example/team/app:1.1.0' }, FilteredImagesCount: 2 }]);
    } finally {
      await api.close();
    }
  });

  it('refuses an unknown container field and a workload with a namespace, in flux\'s error format', async () => {
    const src = source({ record: {} });
    const api = await serveRoutes([imagesRoute({ sources: [src], live: fakeLive([]), namespaces: [], cache: undefined })]);
    try {
      for (const q of ['service=%3Call%3E&containerFields=Nope', 'service=team:deployment/web&namespace=team']) {
        const res = await fetch(`${api.url}/v10/images?${q}`);
        assert.equal(res.status, 400);
        assert.equal(((await res.json()) as { Type: string }).Type, 'user');
      }
    } finally {
      await api.close();
    }
  });
});
