import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decryptFiles } from '../../src/decrypt/decrypt-files.ts';

const sealed = (name: string) => `kind: Secret\nmetadata:\n  name: ${name}\ndata:\n  k: ENC[x]\nsops:\n  mac: ENC[m]\n`;
const plain = 'kind: ConfigMap\nmetadata:\n  name: plain\n';

// A decryptor that opens every file but `bad.yaml`, and records what it was given.
function fakeSops() {
  const given: string[] = [];
  const decrypt = async (file: string, text: string) => {
    given.push(file);
    if (file === 'bad.yaml') throw new Error('Error getting data key: 0 successful groups required, got 0');
    return text.replace('ENC[x]', 'opened').replace(/sops:\n.*\n/, '');
  };
  return { given, decrypt };
}

describe('decryptFiles', () => {
  it('replaces each encrypted file by its plaintext and leaves plain files as they are, without calling sops for them', async () => {
    const sops = fakeSops();
    const out = await decryptFiles([{ file: 'a.yaml', text: sealed('a') }, { file: 'p.yaml', text: plain }], sops.decrypt);
    assert.deepEqual(sops.given, ['a.yaml']);
    assert.deepEqual(out.errors, []);
    assert.deepEqual(out.files.map((f) => f.file), ['a.yaml', 'p.yaml']);
    assert.match(out.files[0]?.text ?? '', /k: opened/);
    assert.equal(out.files[1]?.text, plain);
  });

  it('leaves out a file that fails to decrypt, reports it by name with what sops said, and keeps the others', async () => {
    const out = await decryptFiles([{ file: 'bad.yaml', text: sealed('b') }, { file: 'a.yaml', text: sealed('a') }, { file: 'p.yaml', text: plain }], fakeSops().decrypt);
    assert.deepEqual(out.files.map((f) => f.file), ['a.yaml', 'p.yaml']);
    assert.equal(out.errors.length, 1);
    assert.equal(out.errors[0]?.file, 'bad.yaml');
    assert.match(out.errors[0]?.message ?? '', /^SOPS decryption failed: Error getting data key.*; the whole file is skipped$/);
  });
});
