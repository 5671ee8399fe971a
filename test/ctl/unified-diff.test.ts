import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unifiedDiff } from '../../src/ctl/unified-diff.ts';

const d = (a: string, b: string) => unifiedDiff({ name: 'live', text: a }, { name: 'upgrade', text: b });
const nums = (n: number, change?: [number, string]) => Array.from({ length: n }, (_, i) => (change && i === change[0] ? change[1] : `line ${i + 1}`)).join('\n');

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => assert.equal(d('a\nb\n', 'a\nb\n'), ''));

  it('shows one changed line with three lines of context, as diff -u', () => {
    assert.equal(d(nums(10), nums(10, [4, 'changed'])), [
      '--- live', '+++ upgrade', '@@ -2,7 +2,7 @@', ' line 2', ' line 3', ' line 4', '-line 5', '+changed', ' line 6', ' line 7', ' line 8', '',
    ].join('\n'));
  });

  it('a new object: everything added, from line 0 of an empty side', () => {
    assert.equal(d('', 'kind: Service\nname: web\n'), '--- live\n+++ upgrade\n@@ -0,0 +1,2 @@\n+kind: Service\n+name: web\n');
  });

  it('an object going away: everything removed', () => {
    assert.equal(d('a\nb\n', ''), '--- live\n+++ upgrade\n@@ -1,2 +0,0 @@\n-a\n-b\n');
  });

  it('changes far apart are separate hunks; near ones share one', () => {
    const far = d(nums(30), nums(30).replace('line 2\n', 'two\n').replace('line 25\n', 'twenty-five\n'));
    assert.equal(far.match(/^@@/gm)?.length, 2);
    const near = d(nums(30), nums(30).replace('line 2\n', 'two\n').replace('line 7\n', 'seven\n'));
    assert.equal(near.match(/^@@/gm)?.length, 1);
  });
});
