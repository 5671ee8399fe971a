import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ImageRef } from '../../../src/image/image-ref.ts';
import { RegistryError, type ImageInfo, type RegistryClient } from '../../../src/image/registry/client.ts';
import { memoryImageCache } from '../../../src/image/scan/image-cache.ts';
import { nextRefresh, REFRESH, scanRepository } from '../../../src/image/scan/scan-repository.ts';

const REF: ImageRef = { domain: 'r.io', path: 'app' };
const HOUR = 3_600_000;

// A registry in memory that counts what it is asked.
function fakeRegistry(tags: string[], digests: Record<string, string>, fail: Record<string, RegistryError> = {}) {
  const calls = { tags: 0, info: [] as string[], digest: [] as string[] };
  const client: RegistryClient = {
    async listTags() {
      calls.tags++;
      const err = fail['*tags'];
      if (err) throw err;
      return [...tags];
    },
    async imageInfo(_ref, tag): Promise<ImageInfo> {
      calls.info.push(tag);
      const err = fail[tag];
      if (err) throw err;
      return { digest: digests[tag] ?? `sha256:${tag}`, created: new Date(Date.UTC(2026, 0, 1, 0, tags.indexOf(tag))) };
    },
    async digest(_ref, tag) {
      calls.digest.push(tag);
      const err = fail[tag];
      if (err) throw err;
      return digests[tag] ?? `sha256:${tag}`;
    },
  };
  return { client, calls, tags };
}
const rateLimited = () => new RegistryError('r.io/app: 429', { host: 'r.io', repository: 'r.io/app', kind: 'rate-limited', status: 429 });

describe('scanRepository: polite scanning with fluxd\'s adaptive refresh', () => {
  it('lists tags once per interval and reads metadata only for the tags a time-ordered filter needs', async () => {
    let now = 0;
    const cache = memoryImageCache();
    const reg = fakeRegistry(['1.0', 'main-1', 'main-2'], {});
    const deps = { client: reg.client, cache, now: () => now, listEveryMs: 60_000, burst: 2 };
    const needs = (t: string) => t.startsWith('main-');
    const first = await scanRepository(REF, 'r.io/app', needs, deps);
    assert.equal(reg.calls.tags, 1);
    assert.deepEqual(reg.calls.info.sort(), ['main-1', 'main-2']);
    assert.deepEqual(first.tags.map((t) => [t.tag, t.created?.toISOString()]), [['1.0', undefined], ['main-1', '2026-01-01T00:01:00.000Z'], ['main-2', '2026-01-01T00:02:00.000Z']]);
    assert.equal(first.pending.size, 0);
    now = 30_000;
    await scanRepository(REF, 'r.io/app', needs, deps);
    assert.equal(reg.calls.tags, 1, 'a list younger than the interval comes from the cache');
    assert.equal(reg.calls.info.length, 2, 'cached metadata is not read again before its refresh');
    now = 61_000;
    reg.tags.push('main-3');
    const third = await scanRepository(REF, 'r.io/app', needs, deps);
    assert.equal(reg.calls.tags, 2);
    assert.deepEqual(third.newTags, ['main-3']);
    assert.deepEqual(reg.calls.info.slice(2), ['main-3'], 'only the new tag is read');
  });

  it('refreshes after an hour, then twice as long while the digest is unchanged and half as long when it changed', () => {
    assert.equal(nextRefresh(undefined, 'a'), HOUR);
    assert.equal(nextRefresh({ digest: 'a', fetchedAt: 0, refreshMs: HOUR }, 'a'), 2 * HOUR);
    assert.equal(nextRefresh({ digest: 'a', fetchedAt: 0, refreshMs: REFRESH.maxMs }, 'a'), REFRESH.maxMs);
    assert.equal(nextRefresh({ digest: 'a', fetchedAt: 0, refreshMs: HOUR }, 'b'), HOUR / 2);
    assert.equal(nextRefresh({ digest: 'a', fetchedAt: 0, refreshMs: REFRESH.minMs }, 'b'), REFRESH.minMs);
  });

  it('a refresh asks for the digest (one HEAD): unchanged, the cached time stays and no manifest is read; changed, the image is read again', async () => {
    let now = 0;
    const cache = memoryImageCache();
    const digests: Record<string, string> = {};
    const reg = fakeRegistry(['main-1', 'main-2'], digests);
    const deps = { client: reg.client, cache, now: () => now, listEveryMs: 1, burst: 1 };
    await scanRepository(REF, 'r.io/app', () => true, deps);
    assert.deepEqual(reg.calls.digest, [], 'a tag seen for the first time is read whole');
    now = HOUR;
    digests['main-2'] = 'sha256:rebuilt';
    const refreshed = await scanRepository(REF, 'r.io/app', () => true, deps);
    assert.deepEqual(reg.calls.digest.sort(), ['main-1', 'main-2']);
    assert.deepEqual(reg.calls.info.sort(), ['main-1', 'main-2', 'main-2'], 'only the changed tag is read again');
    assert.equal(refreshed.tags.find((t) => t.tag === 'main-1')?.created?.toISOString(), '2026-01-01T00:00:00.000Z');
    const images = await cache.images('r.io/app');
    assert.deepEqual([images.get('main-1')?.fetchedAt, images.get('main-1')?.refreshMs], [HOUR, 2 * HOUR]);
    assert.deepEqual([images.get('main-2')?.digest, images.get('main-2')?.refreshMs], ['sha256:rebuilt', HOUR / 2]);
  });

  it('a 429 stops the repository\'s reads at once; what was not read stays pending for a later scan', async () => {
    const cache = memoryImageCache();
    const reg = fakeRegistry(['a', 'b', 'c', 'd'], {}, { a: rateLimited() });
    const result = await scanRepository(REF, 'r.io/app', () => true, { client: reg.client, cache, now: () => 0, listEveryMs: 1, burst: 1 });
    assert.deepEqual(reg.calls.info, ['a']);
    assert.deepEqual([...result.pending].sort(), ['a', 'b', 'c', 'd']);
    assert.match(result.warnings.join('\n'), /stopped reading image metadata: r\.io\/app: 429/);
  });

  it('a tag list that cannot be read falls back to the cached list; with none, the repository reports the error', async () => {
    const cache = memoryImageCache();
    const ok = fakeRegistry(['1'], {});
    await scanRepository(REF, 'r.io/app', () => false, { client: ok.client, cache, now: () => 0, listEveryMs: 10, burst: 1 });
    const down = fakeRegistry([], {}, { '*tags': rateLimited() });
    const stale = await scanRepository(REF, 'r.io/app', () => false, { client: down.client, cache, now: () => 20_000, listEveryMs: 10, burst: 1 });
    assert.deepEqual(stale.tags.map((t) => t.tag), ['1']);
    assert.equal(stale.error, undefined);
    assert.match(stale.warnings[0] ?? '', /using the list read 20 s ago/);
    const none = await scanRepository(REF, 'r.io/other', () => false, { client: down.client, cache, now: () => 0, listEveryMs: 10, burst: 1 });
    assert.equal(none.error, 'r.io/app: 429');
  });

  it('an image the registry does not have for our platform is remembered for a day, not asked about every scan', async () => {
    let now = 0;
    const cache = memoryImageCache();
    const missing = new RegistryError('r.io/app:arm: no linux/amd64 image', { host: 'r.io', repository: 'r.io/app', kind: 'not-found', status: 404 });
    const reg = fakeRegistry(['arm'], {}, { arm: missing });
    const deps = { client: reg.client, cache, now: () => now, listEveryMs: 1, burst: 1 };
    const first = await scanRepository(REF, 'r.io/app', () => true, deps);
    assert.equal(first.pending.size, 0);
    assert.equal(first.tags[0]?.created, undefined);
    now = REFRESH.missingMs - 1;
    await scanRepository(REF, 'r.io/app', () => true, deps);
    assert.equal(reg.calls.info.length, 1);
  });
});
