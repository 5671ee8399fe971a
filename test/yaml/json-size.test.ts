import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonBytesWithin, jsonScalarBytes } from '../../src/yaml/json-size.ts';

describe('jsonBytesWithin', () => {
  const VALUES: Array<[string, unknown]> = [
    ['a map', { a: 1, b: [true, null, 'x'], c: {} }],
    ['escapes and non-ASCII', { 'k"ey': 'line\nbreak "quoted" \\ é 😀', tab: '\t', ctl: '\u0001' }],
    ['numbers', [0, -1.5, 1e21, 5e-324, 12345678901234567000]],
    ['empty containers', [[], {}, [[]]]],
    ['a scalar', 'just text'],
  ];
  for (const [what, value] of VALUES) {
    it(`is the UTF-8 length of JSON.stringify for ${what}`, () => {
      assert.equal(jsonBytesWithin(value, Number.MAX_SAFE_INTEGER), Buffer.byteLength(JSON.stringify(value)));
    });
  }

  it('is undefined past the limit, and walks only about `limit` bytes of shared references', () => {
    assert.equal(jsonBytesWithin({ a: 'xxxx' }, 5), undefined);
    let bomb: unknown = ['lol'];
    for (let i = 0; i < 40; i++) bomb = [bomb, bomb]; // 2^40 leaves if expanded
    const started = performance.now();
    assert.equal(jsonBytesWithin(bomb, 4 * 1024 * 1024), undefined);
    assert.ok(performance.now() - started < 2000);
  });

  it('sizes scalars as JSON writes them', () => {
    assert.deepEqual([jsonScalarBytes('ab'), jsonScalarBytes('é'), jsonScalarBytes(null), jsonScalarBytes(false), jsonScalarBytes(1e21)], [4, 4, 4, 5, 5]);
  });
});
