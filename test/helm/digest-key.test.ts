import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIGEST_KEY_SECRET, loadDigestKey } from '../../src/helm/digest-key.ts';
import { FakeKube } from '../fakes/fake-kube.ts';

describe('loadDigestKey', () => {
  it('creates the Secret once, with 32 random bytes, and every later worker reads the same key', async () => {
    const kube = new FakeKube();
    const first = await loadDigestKey(kube, 'capstan');
    assert.match(kube.data.get(`Secret/capstan/${DIGEST_KEY_SECRET}/key`) ?? '', /^[0-9a-f]{64}$/);
    assert.deepEqual(await loadDigestKey(kube, 'capstan'), first);
    assert.notDeepEqual(await loadDigestKey(new FakeKube(), 'capstan'), first, 'two installations share a key');
  });

  it('reads the key of a worker that created it first', async () => {
    const kube = new FakeKube();
    const created = Object.getPrototypeOf(kube).createSecret;
    // the other worker creates the Secret between this one's read and its create
    kube.createSecret = async (ns, name, _data) => created.call(kube, ns, name, { key: 'k'.repeat(64) }).then(() => false);
    assert.equal((await loadDigestKey(kube, 'capstan')).toString(), 'k'.repeat(64));
  });

  it('refuses a Secret whose key is too short to be one', async () => {
    const kube = new FakeKube();
    kube.data.set(`Secret/capstan/${DIGEST_KEY_SECRET}/key`, 'short');
    await assert.rejects(loadDigestKey(kube, 'capstan'), /capstan\/capstan-digest-key.*delete it/);
  });

  it('refuses a Secret without the key rather than replacing it', async () => {
    const kube = new FakeKube();
    kube.data.set(`Secret/capstan/${DIGEST_KEY_SECRET}/other`, 'x');
    await assert.rejects(loadDigestKey(kube, 'capstan'), /exists without "key"/);
  });
});
