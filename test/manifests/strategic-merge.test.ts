import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { strategicMerge } from '../../src/manifests/strategic-merge.ts';

describe('strategicMerge', () => {
  const cases: Array<[string, unknown, unknown, unknown]> = [
    ['merges mappings key by key', { a: 1, b: { c: 2, d: 3 } }, { b: { c: 9 } }, { a: 1, b: { c: 9, d: 3 } }],
    ['adds keys', { a: 1 }, { b: { c: 2 } }, { a: 1, b: { c: 2 } }],
    ['removes a key set to null', { metadata: { annotations: { x: '1', y: '2' } } }, { metadata: { annotations: { x: null } } }, { metadata: { annotations: { y: '2' } } }],
    ['drops nulls where there was nothing to remove', { a: 1 }, { b: { c: null, d: 1 } }, { a: 1, b: { d: 1 } }],
    ['merges containers by name', { containers: [{ name: 'app', image: 'a:1', ports: [80] }, { name: 'side', image: 's:1' }] },
      { containers: [{ name: 'app', image: 'a:2' }] }, { containers: [{ name: 'app', image: 'a:2', ports: [80] }, { name: 'side', image: 's:1' }] }],
    ['appends a container of a new name', { containers: [{ name: 'app', image: 'a:1' }] }, { containers: [{ name: 'new', image: 'n:1' }] },
      { containers: [{ name: 'app', image: 'a:1' }, { name: 'new', image: 'n:1' }] }],
    ['replaces lists of scalars', { args: ['a', 'b'] }, { args: ['c'] }, { args: ['c'] }],
    ['replaces a scalar with a mapping', { a: 'x' }, { a: { b: 1 } }, { a: { b: 1 } }],
  ];
  for (const [name, base, patch, want] of cases) it(name, () => assert.deepEqual(strategicMerge(base, patch), want));

  it('changes neither input', () => {
    const base = { spec: { containers: [{ name: 'app', image: 'a:1' }] } };
    const patch = { spec: { containers: [{ name: 'app', image: 'a:2' }] } };
    const copies = structuredClone([base, patch]);
    strategicMerge(base, patch);
    assert.deepEqual([base, patch], copies);
  });
});
