import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { canonicalJson } from '../../src/canonical-json.ts';
import { desiredDigest, legacyDigest, type DigestInputs } from '../../src/helm/desired-digest.ts';
import { legacyDigestPatch } from '../../src/helm/legacy-digest.ts';

const KEY_A = Buffer.from('a'.repeat(64));
const KEY_B = Buffer.from('b'.repeat(64));
const inputs = (values: Record<string, unknown>): DigestInputs => ({ chartDigest: 'sha256:abc', values, spec: { chart: {} }, releaseName: 'web', targetNamespace: 'apps' });

describe('desiredDigest', () => {
  it('is an HMAC: not the plain sha256 of the inputs, which anyone could recompute for a guessed secret', () => {
    const mine = inputs({ db: { password: 'guess-me' } });
    const plain = createHash('sha256').update(canonicalJson({
      chart: 'sha256:abc', values: mine.values,
      options: { releaseName: 'web', targetNamespace: 'apps', skipCRDs: false, forceUpgrade: false, resetValues: true, disableOpenAPIValidation: false },
    })).digest('hex');
    assert.equal(legacyDigest(mine), `sha256:${plain}`, 'the plain digest is what older Capstan recorded');
    assert.equal(desiredDigest(mine, KEY_A).includes(plain), false);
    assert.match(desiredDigest(mine, KEY_A), /^hmac-sha256:[0-9a-f]{64}$/);
  });

  it('is stable for one key and the same inputs, in any key order', () => {
    assert.equal(desiredDigest(inputs({ a: 1, b: { c: 2, d: 3 } }), KEY_A), desiredDigest(inputs({ b: { d: 3, c: 2 }, a: 1 }), KEY_A));
  });

  it('differs between installations (keys) and between inputs', () => {
    assert.notEqual(desiredDigest(inputs({ a: 1 }), KEY_A), desiredDigest(inputs({ a: 1 }), KEY_B));
    assert.notEqual(desiredDigest(inputs({ a: 1 }), KEY_A), desiredDigest(inputs({ a: 2 }), KEY_A));
  });
});

describe('legacyDigestPatch', () => {
  const cases: Array<[string, { lastAppliedDigest?: string; lastAttemptedDigest?: string }, object | undefined]> = [
    ['both plain and equal to the inputs', { lastAppliedDigest: 'sha256:old', lastAttemptedDigest: 'sha256:old' }, { lastAppliedDigest: 'hmac', lastAttemptedDigest: 'hmac' }],
    ['applied plain, attempted other', { lastAppliedDigest: 'sha256:old', lastAttemptedDigest: 'sha256:else' }, { lastAppliedDigest: 'hmac' }],
    ['plain digest of other inputs', { lastAppliedDigest: 'sha256:else' }, undefined],
    ['already the HMAC', { lastAppliedDigest: 'hmac', lastAttemptedDigest: 'hmac' }, undefined],
    ['nothing recorded', {}, undefined],
  ];
  for (const [name, recorded, patch] of cases) it(name, () => assert.deepEqual(legacyDigestPatch(recorded, 'hmac', 'sha256:old'), patch));
});
