import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readYaml, readYamlDocuments } from '../../src/yaml/read-yaml.ts';
import { YamlError, YamlProblem } from '../../src/yaml/yaml-error.ts';
import { billionLaughs } from './bombs.ts';

// What `helm template -f values.yaml` (helm v3.22, sigs.k8s.io/yaml over go-yaml v2) renders for `v: <scalar>`
// with a template printing `toJson .Values`; e2e/yaml-values.test.ts checks the same file against helm itself.
const SCALARS: Array<[string, unknown]> = [
  ['yes', true], ['Yes', true], ['YES', true], ['y', true], ['Y', true], ['on', true], ['On', true], ['ON', true],
  ['true', true], ['True', true], ['TRUE', true],
  ['no', false], ['n', false], ['N', false], ['off', false], ['Off', false], ['false', false], ['FALSE', false],
  ['oN', 'oN'], ['nO', 'nO'], ['tRUE', 'tRUE'], ['True1', 'True1'], ['"yes"', 'yes'], ["'on'", 'on'],
  ['~', null], ['null', null], ['Null', null], ['NULL', null], ['', null],
  ['0644', 420], ['-0644', -420], ['0o644', 420], ['0_644', 420], ['09', 9], ['08', 8], ['00', 0], ['0o8', '0o8'],
  ['0x1F', 31], ['0X1F', 31], ['-0x1F', -31], ['+0x1F', 31], ['0x_1F', 31], ['0b101', 5], ['0B101', 5], ['0b1_01', 5],
  ['1_000', 1000], ['1__0', 10], ['_1', '_1'], ['+12', 12], ['-0', 0], ['1,000', '1,000'],
  ['1e3', 1000], ['1E3', 1000], ['1e+3', 1000], ['1.5e3', 1500], ['1e3_0', 1e30], ['1_000.5', 1000.5], ['1_0.5_0', 10.5],
  ['.5', 0.5], ['+.5', 0.5], ['-.5e-3', -0.0005], ['1.', 1], ['0.', 0], ['1.0', 1], ['1.20', 1.2], ['2.5e-1', 0.25],
  ['.e3', '.e3'], ['1.5e', '1.5e'], ['1.2.3', '1.2.3'], ['1.2.3e4', '1.2.3e4'], ['1e400', '1e400'], ['6.02e23', 6.02e23],
  ['12345678901234567890', 12345678901234567000], ['9007199254740993', 9007199254740992],
  ['0x7FFFFFFFFFFFFFFF', 2 ** 63], ['0xFFFFFFFFFFFFFFFF', 2 ** 64],
  ['0x1FFFFFFFFFFFFFFFF', '0x1FFFFFFFFFFFFFFFF'], ['-9223372036854775809', -(2 ** 63)],
  ['07777777777777777777777777', 7.777777777777778e24], ['99999999999999999999999', 1e23],
  ['1:20', '1:20'], ['1:20.5', '1:20.5'], ['190:20:30', '190:20:30'],
  ['2001-12-14', '2001-12-14'], ['2001-12-14t21:59:43.10-05:00', '2001-12-14t21:59:43.10-05:00'],
  ['=', '='], ['"-"', '-'], ['a:b', 'a:b'], ['<<', '<<'], ['hello', 'hello'],
  ['!!str 123', '123'], ['!!str yes', 'yes'], ['!!int "12"', 12], ['!!int 0x1F', 31], ['!!float 1', 1], ['!!float 0x10', 16],
  ['!!bool yes', true], ['!!null ""', null], ['!!str', ''], ['!!timestamp 2001-12-14', '2001-12-14'], ['!foo 12', '12'],
  ['!<tag:yaml.org,2002:int> "7"', 7], ['!!binary aGVsbG8=', 'hello'], ['!!binary "////"', '\ufffd\ufffd\ufffd'],
];

describe('readYaml: scalars mean what they mean to helm and kubectl', () => {
  for (const [scalar, expected] of SCALARS) {
    it(`v: ${scalar} → ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(readYaml(`v: ${scalar}\n`), { v: expected });
    });
  }

  it('reads a %TAG handle and a block !!binary', () => {
    assert.deepEqual(readYaml('%TAG !e! tag:yaml.org,2002:\n---\na: !e!int "8"\n'), { a: 8 });
    assert.deepEqual(readYaml('b: !!binary |\n  aGVsbG8gd29y\n  bGQ=\n'), { b: 'hello world' });
  });
});

describe('readYaml: map keys as sigs.k8s.io/yaml writes them', () => {
  const KEYS: Array<[string, string]> = [
    ['yes', 'true'], ['on', 'true'], ['y', 'true'], ['n', 'false'], ['off', 'false'], ['1', '1'], ['0x10', '16'],
    ['0644', '420'], ['0b11', '3'], ['1e3', '1000'], ['1.0', '1'], ['1.5', '1.5'], ['0.1', '0.1'],
    ['3.14159265358979', '3.1415927'], ['123456.789', '123456.79'], ['1234567', '1234567'], ['1234567.5', '1.2345675e+06'],
    ['1e21', '1e+21'], ['0.00001', '1e-05'], ['0.0001', '0.0001'], ['-0.0', '-0'], ['1e300', '.inf'], ['.inf', '.inf'],
    ['-.inf', '-.inf'], ['.nan', '.nan'], ['9223372036854775807', '9223372036854775807'],
    ['9007199254740993', '9007199254740993'], ['2001-12-14 21:59:43.10 -5', '2001-12-14 21:59:43.10 -5'],
    ['!!str 012', '012'], ['!foo 012', '012'], ['"<<"', '<<'],
  ];
  for (const [key, expected] of KEYS) {
    it(`${key}: → "${expected}"`, () => {
      assert.deepEqual(Object.keys(readYaml(`${key}: x\n`) as object), [expected]);
    });
  }

  it('keeps `__proto__` as an ordinary key', () => {
    const value = readYaml('__proto__: {polluted: true}\n') as Record<string, unknown>;
    assert.deepEqual(Object.keys(value), ['__proto__']);
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('lets a later key win, as helm does, or refuses it when asked (kubectl)', () => {
    assert.deepEqual(readYaml('a: 1\na: 2\nyes: 3\non: 4\n'), { a: 2, true: 4 });
    assert.throws(() => readYamlDocuments('a: 1\nb: 2\na: 3\n', { uniqueKeys: true }),
      (err: unknown) => err instanceof YamlError && err.line === 3 && /"a" already defined/.test(err.message));
  });
});

describe('readYaml: merge keys as go-yaml v2 applies them', () => {
  it('merges a map, a list of maps (earlier wins), and lets a merged key replace one set before it', () => {
    const value = readYaml([
      'm1: &m {a: 1, b: 2}', 'm2: &n {b: 3, c: 4}',
      'list:', '  <<: [*m, *n]', '  a: 0',
      'before:', '  a: 9', '  <<: *m',
      'inline: {<<: {z: 1}}', 'quoted: {"<<": {q: 1}}', 'value: [<<]',
    ].join('\n'));
    assert.deepEqual(value, {
      m1: { a: 1, b: 2 }, m2: { b: 3, c: 4 }, list: { a: 0, b: 2, c: 4 }, before: { a: 1, b: 2 },
      inline: { z: 1 }, quoted: { '<<': { q: 1 } }, value: ['<<'],
    });
  });
});

describe('readYaml: what helm refuses is refused, with the line', () => {
  const REFUSED: Array<[string, string, RegExp]> = [
    ['.inf as a value', 'a: .inf', /\.inf or \.nan/],
    ['.NaN as a value', 'a: [1, .NaN]', /\.inf or \.nan/],
    ['a null key', '~: a', /map key is null/],
    ['a key beyond int64', 'k: {12345678901234567890: b}', /beyond int64/],
    ['a sequence as a key', '? [a, b]\n: c', /map key is a mapping or a sequence/],
    ['a tag the text does not fit', 'a: !!int abc', /cannot decode !!str `abc` as a !!int/],
    ['!!bool 1', 'a: !!bool 1', /cannot decode !!int `1` as a !!bool/],
    ['bad base64', 'a: !!binary "%%%"', /invalid base64/],
    ['an unknown anchor', 'a: *nowhere', /unknown anchor 'nowhere'/],
    ['an anchor inside itself', 'a: &a [*a]', /contains itself/],
    ['merging a list through an alias', 'l: &l [{a: 1}]\nm:\n  <<: *l', /map merge requires map/],
    ['broken YAML', 'a:\n  - b\n  c: d', /bad indentation/],
  ];
  for (const [what, text, message] of REFUSED) {
    it(what, () => {
      assert.throws(() => readYaml(text), (err: unknown) =>
        err instanceof YamlError && err.problem === YamlProblem.Syntax && message.test(err.message) && typeof err.line === 'number');
    });
  }
});

describe('readYamlDocuments', () => {
  it('gives every document with its line, and the line of each mapping and sequence when asked', () => {
    const lines = new WeakMap<object, number>();
    const docs = readYamlDocuments('a: 1\n---\n# comment\nkind: List\nitems:\n- x: 1\n- y: 2\n---\n', { lines });
    assert.deepEqual(docs.map((d) => d.value), [{ a: 1 }, { kind: 'List', items: [{ x: 1 }, { true: 2 }] }, null]);
    assert.deepEqual(docs.slice(0, 2).map((d) => d.line), [1, 4]);
    const items = ((docs[1] as { value: { items: object[] } }).value).items;
    assert.deepEqual(items.map((item) => lines.get(item)), [6, 7]);
  });

  it('gives no document for an empty text; readYaml gives null and reads only the first document, as helm', () => {
    assert.deepEqual(readYamlDocuments('# nothing\n'), []);
    assert.equal(readYaml(''), null);
    assert.deepEqual(readYaml('a: 1\n---\n~: not even a valid key\n'), { a: 1 });
  });
});

describe('readYaml: limits', () => {
  it('refuses the 432-byte billion laughs in milliseconds, without growing the heap', () => {
    const bomb = billionLaughs();
    assert.equal(Buffer.byteLength(bomb), 432);
    const heap = process.memoryUsage().heapUsed;
    const started = performance.now();
    assert.throws(() => readYaml(bomb), (err: unknown) =>
      err instanceof YamlError && err.problem === YamlProblem.Limit && /too many aliases/.test(err.message));
    assert.ok(performance.now() - started < 2000, 'refused quickly');
    assert.ok(process.memoryUsage().heapUsed - heap < 64 * 1024 * 1024, 'the heap stayed small');
  });

  it('stops expansion at the limit asked for', () => {
    const text = `base: &b "${'x'.repeat(1000)}"\nlist: [${Array(100).fill('*b').join(', ')}]\n`;
    assert.equal((readYaml(text, { maxExpandedBytes: 200_000 }) as { list: string[] }).list.length, 100);
    assert.throws(() => readYaml(text, { maxExpandedBytes: 50_000 }), /too many aliases: expanded, the YAML is larger than 48\.8 KiB as JSON/);
    assert.throws(() => readYaml(`a: "${'x'.repeat(2000)}"\n`, { maxExpandedBytes: 1000 }), /YamlError: larger than 1000 bytes as JSON/);
  });

  it('refuses too many aliases, a text too large, and deep nesting (the parser would exhaust the stack)', () => {
    const limit = (err: unknown, message: RegExp): boolean => err instanceof YamlError && err.problem === YamlProblem.Limit && message.test(err.message);
    assert.throws(() => readYaml(`a: &a 1\nl:\n${'- *a\n'.repeat(10_001)}`), (e) => limit(e, /too many aliases \(more than 10000/));
    assert.throws(() => readYaml('a: 1\n', { maxBytes: 4 }), (e) => limit(e, /larger than 4 bytes/));
    assert.throws(() => readYaml(`${'['.repeat(20_000)}${']'.repeat(20_000)}`), (e) => limit(e, /nested deeper than 256 levels/));
    const block = Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
    assert.throws(() => readYaml(block), (e) => limit(e, /nested deeper than 256 levels/));
    assert.doesNotThrow(() => readYaml(`${'['.repeat(200)}${']'.repeat(200)}`));
  });
});
