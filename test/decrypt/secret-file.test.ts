import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { writeSecretEntry } from '../../src/decrypt/secret-file.ts';
import { keyFiles } from '../../src/git/gpg-keys.ts';

const dir = mkdtempSync(join(tmpdir(), 'capstan-keys-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const kube = (data: Record<string, string>) => ({ secretKey: async (ns: string, name: string, key: string) => (ns === 'flux' && name === 'keys' ? data[key] : undefined) });

describe('writeSecretEntry: private keys from a Secret, for tools that read a file', () => {
  it('writes the entry to a file only its owner may read, in a private directory', async () => {
    const path = await writeSecretEntry(kube({ 'age.agekey': 'AGE-SECRET-KEY-1XYZ' }), { flag: 'sops-age-key-secret', ref: { namespace: 'flux', name: 'keys' }, key: 'age.agekey' }, join(dir, 'sops', 'age.agekey'));
    assert.equal(readFileSync(path, 'utf8'), 'AGE-SECRET-KEY-1XYZ\n');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'sops')).mode & 0o777, 0o700);
  });

  it('a missing Secret or entry names the flag, the Secret and the entry', async () => {
    await assert.rejects(writeSecretEntry(kube({}), { flag: 'git-gpg-key-secret', ref: { namespace: 'flux', name: 'keys' }, key: 'private.key' }, join(dir, 'gpg', 'private.key')),
      { message: '--git-gpg-key-secret: the Secret flux/keys has no entry "private.key"' });
    await assert.rejects(writeSecretEntry(kube({ 'private.key': 'x' }), { flag: 'git-gpg-key-secret', ref: { namespace: 'other', name: 'keys' }, key: 'private.key' }, join(dir, 'gpg', 'private.key')),
      /the Secret other\/keys has no entry/);
  });
});

describe('keyFiles: what --git-gpg-key-import names, as fluxd read it', () => {
  it('takes a file as is, and the regular files of a directory but not its subdirectories or dot files', async () => {
    const keys = join(dir, 'gpg-dir');
    mkdirSync(join(keys, 'nested'), { recursive: true });
    for (const f of ['b.asc', 'a.asc', '.hidden', 'nested/c.asc']) writeFileSync(join(keys, f), 'key');
    writeFileSync(join(dir, 'one.asc'), 'key');
    assert.deepEqual(await keyFiles([join(dir, 'one.asc'), keys]), [join(dir, 'one.asc'), join(keys, 'a.asc'), join(keys, 'b.asc')]);
  });

  it('a path that does not exist fails', async () => {
    await assert.rejects(keyFiles([join(dir, 'missing')]), { code: 'ENOENT' });
  });
});
