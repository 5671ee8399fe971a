import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applied, collectable, type IgnorePolicy, ignorePolicy } from '../../src/sync/policy.ts';

describe('ignorePolicy', () => {
  // [case, annotation sets, expected]
  const table: Array<[string, Array<Record<string, unknown> | undefined>, IgnorePolicy]> = [
    ['no annotations', [undefined], 'none'],
    ['unrelated annotations', [{ 'fluxcd.io/automated': 'true' }], 'none'],
    ['fluxcd.io/ignore "true"', [{ 'fluxcd.io/ignore': 'true' }], 'ignore'],
    ['legacy flux.weave.works/ignore "true"', [{ 'flux.weave.works/ignore': 'true' }], 'ignore'],
    ['fluxcd.io/ignore sync_only', [{ 'fluxcd.io/ignore': 'sync_only' }], 'sync_only'],
    ['legacy flux.weave.works/ignore sync_only', [{ 'flux.weave.works/ignore': 'sync_only' }], 'sync_only'],
    ['unquoted YAML true', [{ 'fluxcd.io/ignore': true }], 'ignore'],
    ['"false" is no policy', [{ 'fluxcd.io/ignore': 'false' }], 'none'],
    ['case matters, as in fluxd', [{ 'fluxcd.io/ignore': 'True' }], 'none'],
    ['both prefixes: the strictest wins', [{ 'fluxcd.io/ignore': 'sync_only', 'flux.weave.works/ignore': 'true' }], 'ignore'],
    ['set in Git only', [{ 'fluxcd.io/ignore': 'true' }, {}], 'ignore'],
    ['set on the live object only', [{}, { 'fluxcd.io/ignore': 'sync_only' }], 'sync_only'],
    ['Git sync_only, live ignore', [{ 'fluxcd.io/ignore': 'sync_only' }, { 'flux.weave.works/ignore': 'true' }], 'ignore'],
  ];
  for (const [name, sets, expected] of table) {
    it(`${name} → ${expected}`, () => assert.equal(ignorePolicy(...sets), expected));
  }

  it('ignore is neither applied nor collected; sync_only is applied, not collected', () => {
    assert.deepEqual([applied('none'), collectable('none')], [true, true]);
    assert.deepEqual([applied('ignore'), collectable('ignore')], [false, false]);
    assert.deepEqual([applied('sync_only'), collectable('sync_only')], [true, false]);
  });
});
