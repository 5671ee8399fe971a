import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/config-error.ts';
import { decryptionConfig } from '../../src/config/decryption-config.ts';
import { readFlags } from '../../src/config/read-flags.ts';

const read = (args: string[], env: NodeJS.ProcessEnv = {}) => decryptionConfig(readFlags(args, env));

describe('decryptionConfig: --sops and --git-secret', () => {
  it('is neither by default', () => assert.deepEqual(read([]), { sops: undefined, gitSecret: undefined }));

  it('--sops: sops on PATH, keys from a file or from a Secret', () => {
    assert.deepEqual(read(['--sops']).sops, { binary: 'sops', ageKeyFile: undefined, ageKeySecret: undefined });
    assert.deepEqual(read(['--sops', '--sops-binary', '/opt/sops', '--sops-age-key-file', '/keys/age.txt']).sops,
      { binary: '/opt/sops', ageKeyFile: '/keys/age.txt', ageKeySecret: undefined });
    assert.deepEqual(read([], { CAPSTAN_SOPS: 'true', CAPSTAN_SOPS_AGE_KEY_SECRET: 'flux/sops-age' }).sops?.ageKeySecret, { namespace: 'flux', name: 'sops-age' });
  });

  it('--git-secret: GPG keys from files (fluxd) or a Secret', () => {
    assert.deepEqual(read(['--git-secret', '--git-gpg-key-import', '/a,/b']).gitSecret, { keyImports: ['/a', '/b'], keySecret: undefined });
    assert.deepEqual(read(['--git-secret', '--git-gpg-key-secret', 'flux/gpg']).gitSecret, { keyImports: [], keySecret: { namespace: 'flux', name: 'gpg' } });
  });

  // [case, args, the flag the error names]
  const refused: Array<[string, string[], string]> = [
    ['an age key file without --sops', ['--sops-age-key-file', '/k'], 'sops-age-key-file'],
    ['an age key Secret without --sops', ['--sops-age-key-secret', 'a/b'], 'sops-age-key-secret'],
    ['a Secret that is not NAMESPACE/NAME', ['--sops', '--sops-age-key-secret', 'just-a-name'], 'sops-age-key-secret'],
    ['--git-secret without any private key', ['--git-secret'], 'git-secret'],
    ['a GPG key without --git-secret', ['--git-gpg-key-import', '/k'], 'git-gpg-key-import'],
    ['a GPG key Secret with a bad name', ['--git-secret', '--git-gpg-key-secret', 'A/B'], 'git-gpg-key-secret'],
  ];
  for (const [name, args, flag] of refused) {
    it(`refuses ${name}`, () => assert.throws(() => read(args), (err) => err instanceof ConfigError && err.flag === flag));
  }
});
