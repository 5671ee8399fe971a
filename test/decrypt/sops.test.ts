import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sopsDecryptor } from '../../src/decrypt/sops.ts';
import { SopsError } from '../../src/decrypt/sops-error.ts';

const FAKE = new URL('../fixtures/fake-sops.sh', import.meta.url).pathname;

describe('sopsDecryptor: the one place sops runs', () => {
  it('gives the file on stdin and reads the plaintext from stdout: no data in argv, only PATH, HOME and the key file in the environment', async () => {
    process.env.CAPSTAN_TEST_CREDENTIAL = 'not for sops';
    const out = await sopsDecryptor({ binary: FAKE, ageKeyFile: '/keys/age.agekey', timeoutMs: 10_000 })('s.yaml', 'password: ENC[x]\n');
    delete process.env.CAPSTAN_TEST_CREDENTIAL;
    assert.match(out, /^args: decrypt --input-type yaml --output-type yaml$/m);
    const env = /^env: (.*)$/m.exec(out)?.[1]?.trim().split(' ') ?? [];
    assert.deepEqual(env.filter((v) => !['HOME', 'PATH', 'SOPS_AGE_KEY_FILE'].includes(v)), []);
    assert.match(out, /^key: \/keys\/age.agekey$/m);
    assert.match(out, /^password: opened$/m);
  });

  it('a failure is a SopsError with sops\'s first line and exit code', async () => {
    await assert.rejects(sopsDecryptor({ binary: FAKE, timeoutMs: 10_000 })('s.yaml', 'FAIL'),
      (err) => err instanceof SopsError && err.exitCode === 128 && err.message === 'Failed to get the data key required to decrypt the SOPS file.');
  });

  it('a missing binary says to set --sops-binary', async () => {
    await assert.rejects(sopsDecryptor({ binary: '/nonexistent/sops', timeoutMs: 10_000 })('s.yaml', 'x'), /--sops-binary/);
  });
});
