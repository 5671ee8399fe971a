import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imageContainer, NO_IMAGE_DATA } from '../../src/fluxapi/image-container.ts';
import { parseTagPattern } from '../../src/image/policy/tag-pattern.ts';
import type { CachedImage } from '../../src/image/scan/image-cache.ts';

const at = (iso: string): CachedImage => ({ digest: `sha256:${'a'.repeat(64)}`, created: Date.parse(iso), fetchedAt: Date.parse('2026-01-01T00:00:00Z'), refreshMs: 1 });
const IMAGE = '127.0.0.1:5000/team/app';
const repo = {
  tags: ['1.0.0', '1.2.0', '1.10.0', '2.0.0', 'latest', 'v1.1'],
  images: new Map([['1.0.0', at('2026-01-01T00:00:00Z')], ['1.2.0', at('2026-01-03T00:00:00Z')], ['2.0.0', at('2026-01-02T00:00:00Z')], ['latest', at('2026-01-05T00:00:00Z')]]),
};
const tags = (ids: Array<{ ID: string }> | null | undefined) => (ids ?? []).map((i) => i.ID.slice(IMAGE.length + 1));

// v6.Container keys as fluxctl decodes them (flux pkg/api/v6/container.go), each omitted when empty.
const CONTAINER_KEYS = ['Available', 'AvailableImagesCount', 'Current', 'FilteredImagesCount', 'LatestFiltered', 'Name', 'NewAvailableImagesCount', 'NewFilteredImagesCount'];

describe('imageContainer (fluxctl list-images)', () => {
  it('orders a semver filter by version, the tags it admits first in LatestFiltered, with fluxd\'s counts', () => {
    const c = imageContainer({ name: 'app', image: `${IMAGE}:1.2.0`, tag: '1.2.0' }, parseTagPattern('semver:~1'), repo);
    assert.deepEqual(Object.keys(c).sort(), CONTAINER_KEYS);
    assert.deepEqual(tags(c.Available), ['2.0.0', '1.10.0', '1.2.0', 'v1.1', '1.0.0', 'latest']);
    assert.equal(c.LatestFiltered?.ID, `${IMAGE}:1.10.0`);
    assert.equal(c.Current?.ID, `${IMAGE}:1.2.0`);
    assert.equal(c.Current?.CreatedAt, '2026-01-03T00:00:00.000Z');
    assert.deepEqual([c.AvailableImagesCount, c.NewAvailableImagesCount, c.FilteredImagesCount, c.NewFilteredImagesCount], [6, 2, 4, 1]);
  });

  it('orders a glob filter by creation time, newest first, tags without metadata last (the higher version first)', () => {
    const c = imageContainer({ name: 'app', image: `${IMAGE}:1.0.0`, tag: '1.0.0' }, parseTagPattern('glob:1.*'), repo);
    assert.deepEqual(tags(c.Available), ['latest', '1.2.0', '2.0.0', '1.0.0', '1.10.0', 'v1.1']);
    const untimed = imageContainer({ name: 'app', image: `${IMAGE}:1.0.0`, tag: '1.0.0' }, parseTagPattern('*'), { tags: ['1.0.0', 'beta', '1.10.0', '1.2.0'], images: new Map() });
    assert.deepEqual(tags(untimed.Available), ['1.10.0', '1.2.0', '1.0.0', 'beta']);
    assert.equal(c.LatestFiltered?.ID, `${IMAGE}:1.2.0`);
    assert.equal(c.NewFilteredImagesCount, 1);
  });

  it('keeps only the asked containerFields', () => {
    const c = imageContainer({ name: 'app', image: `${IMAGE}:1.0.0`, tag: '1.0.0' }, parseTagPattern('*'), repo, ['Name', 'Current']);
    assert.deepEqual(Object.keys(c).sort(), ['Current', 'Name']);
  });

  it('says there is no image data for a repository never scanned (what fluxctl prints)', () => {
    const c = imageContainer({ name: 'app', image: `${IMAGE}:1.0.0`, tag: '1.0.0' }, parseTagPattern('*'), { tags: undefined, images: new Map() });
    assert.equal(c.AvailableError, NO_IMAGE_DATA);
    assert.equal(c.Available, undefined);
    assert.deepEqual(c.Current, { ID: `${IMAGE}:1.0.0` });
  });
});
