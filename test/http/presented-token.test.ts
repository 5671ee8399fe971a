import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { presentedToken } from '../../src/http/presented-token.ts';
import { sameSecret } from '../../src/http/same-secret.ts';

describe('presentedToken', () => {
  const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
  const cases: Array<[string | undefined, string | undefined]> = [
    [undefined, undefined],
    ['', undefined],
    ['Bearer s3cret-token', 's3cret-token'],
    ['bearer s3cret-token', 's3cret-token'],
    ['Bearer ', undefined],
    ['Scope-Probe token=s3cret-token', 's3cret-token'], // fluxctl --token
    ['Scope-Probe s3cret-token', undefined],
    [basic('any:s3cret-token'), 's3cret-token'], // a browser on the dashboard
    [basic('any:pa:ss'), 'pa:ss'],
    [basic('no-colon'), undefined],
    [basic('user:'), undefined],
    ['Digest username=x', undefined],
  ];
  for (const [header, token] of cases) {
    it(`${header ?? '(no header)'} presents ${token ?? 'nothing'}`, () => {
      assert.equal(presentedToken(header === undefined ? {} : { authorization: header }), token);
    });
  }
});

describe('sameSecret', () => {
  it('is true for equal strings only', () => {
    assert.equal(sameSecret('s3cret-token', 's3cret-token'), true);
    assert.equal(sameSecret('s3cret-token', 's3cret-tokeN'), false);
    assert.equal(sameSecret('', 's3cret-token'), false);
  });
  it('compares strings of different lengths without throwing (timingSafeEqual needs equal lengths)', () => {
    assert.equal(sameSecret('short', 'a much longer token value'), false);
    assert.equal(sameSecret('ü', 'u'), false);
  });
});
