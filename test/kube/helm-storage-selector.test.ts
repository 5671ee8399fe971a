import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { helmStorageSelector } from '../../src/kube/helm-storage-selector.ts';

describe('helmStorageSelector', () => {
  it('selects the storage Secrets of one release', () => {
    assert.equal(helmStorageSelector('apps-web'), 'owner=helm,name=apps-web');
    assert.equal(helmStorageSelector('a.b'), 'owner=helm,name=a.b');
  });

  for (const name of ['web,owner!=helm', 'x,status=deployed', 'web name', 'name=web', '', '-x', 'Web', 'r'.repeat(54), 'a!b', 'a in (b)']) {
    it(`refuses ${JSON.stringify(name)}, which could widen or change the selector`, () => {
      assert.throws(() => helmStorageSelector(name), /is not a Helm release name/);
    });
  }
});
