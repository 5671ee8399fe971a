import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_CACHED_INDEX_BYTES, MAX_CACHED_INDEXES, lruIndexCache } from '../../../src/helm/chart/index-cache.ts';
import { type CachedIndex, sharedIndexCache } from '../../../src/helm/chart/repository-index.ts';

const entry = (bytes: number): CachedIndex => ({ index: { apiVersion: 'v1', entries: new Map() }, bytes });

describe('lruIndexCache', () => {
  // [limits, operations, keys left (oldest first), bytes left]
  const cases: Array<[string, { maxEntries?: number; maxBytes?: number }, Array<['set', string, number] | ['get', string]>, string[], number]> = [
    ['forgets the least recently set beyond maxEntries', { maxEntries: 2 }, [['set', 'a', 1], ['set', 'b', 1], ['set', 'c', 1]], ['b', 'c'], 2],
    ['a read makes an entry recent', { maxEntries: 2 }, [['set', 'a', 1], ['set', 'b', 1], ['get', 'a'], ['set', 'c', 1]], ['a', 'c'], 2],
    ['forgets the oldest until under maxBytes', { maxBytes: 100 }, [['set', 'a', 60], ['set', 'b', 30], ['set', 'c', 50]], ['b', 'c'], 80],
    ['forgets several to make room for a big one', { maxBytes: 100 }, [['set', 'a', 40], ['set', 'b', 40], ['set', 'c', 90]], ['c'], 90],
    ['does not keep an index larger than maxBytes alone', { maxBytes: 100 }, [['set', 'a', 10], ['set', 'big', 101]], ['a'], 10],
    ['replacing an entry counts its new size only', { maxBytes: 100 }, [['set', 'a', 60], ['set', 'a', 20], ['set', 'b', 70]], ['a', 'b'], 90],
  ];
  for (const [name, limits, operations, left, bytes] of cases) {
    it(name, () => {
      const cache = lruIndexCache(limits);
      for (const op of operations) {
        if (op[0] === 'set') cache.set(op[1], entry(op[2]));
        else cache.get(op[1]);
      }
      const kept = ['a', 'b', 'c', 'big'].filter((k) => cache.get(k) !== undefined);
      assert.deepEqual(kept.sort(), [...left].sort());
      assert.equal(cache.size, left.length);
      assert.equal(cache.bytes, bytes);
    });
  }

  it(`the shared cache keeps at most ${MAX_CACHED_INDEXES} indexes and ${MAX_CACHED_INDEX_BYTES / 2 ** 20} MiB`, () => {
    for (let i = 0; i <= MAX_CACHED_INDEXES; i++) sharedIndexCache.set(`http://repo-${i}/index.yaml`, entry(1));
    assert.equal(sharedIndexCache.get('http://repo-0/index.yaml'), undefined, 'the oldest was forgotten');
    assert.ok(sharedIndexCache.get(`http://repo-${MAX_CACHED_INDEXES}/index.yaml`));
    sharedIndexCache.set('http://huge/index.yaml', entry(MAX_CACHED_INDEX_BYTES));
    assert.equal(sharedIndexCache.get('http://repo-1/index.yaml'), undefined, 'the bytes bound forgot the rest');
    assert.ok(sharedIndexCache.get('http://huge/index.yaml'));
  });
});
