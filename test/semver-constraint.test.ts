import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newestSatisfying, parseVersionConstraint } from '../src/semver-constraint.ts';

describe('parseVersionConstraint (Masterminds syntax, as helm and fluxd)', () => {
  const table: [string, string, boolean][] = [
    ['>=1.0.0, <2.0.0', '1.5.0', true],
    ['>=1.0.0, <2.0.0', '2.0.0', false],
    ['>=1.0.0,<2.0.0', '0.9.0', false],
    ['>=1.0.0, !=1.5.0', '1.5.0', false],
    ['>=1.0.0, !=1.5.0', '1.5.1', true],
    ['!=1.2', '1.2.7', false],
    ['!=1.2', '1.3.0', true],
    ['~1.2 || >=3.0.0, !=3.1.0', '1.2.9', true],
    ['~1.2 || >=3.0.0, !=3.1.0', '3.1.0', false],
    ['~1.2 || >=3.0.0, !=3.1.0', '3.2.0', true],
    ['1.2 - 1.4', '1.4.9', true],
    ['^1.2.0', '1.9.0', true],
    ['1.x', '1.9.9', true],
    ['*', '5.0.0', true],
    ['>=1.0.0', '2.0.0-rc.1', false],
    ['>=1.0.0-0', '2.0.0-rc.1', true],
  ];
  for (const [constraint, version, expected] of table) {
    it(`${constraint} ${expected ? 'admits' : 'refuses'} ${version}`, () => {
      const c = parseVersionConstraint(constraint);
      assert.ok(c, `${constraint} parses`);
      assert.equal(c.test(version), expected);
    });
  }

  for (const bad of ['', 'latest', '>=1.0.0, !', 'not a range', '!=banana']) {
    it(`refuses "${bad}"`, () => assert.equal(parseVersionConstraint(bad), undefined));
  }

  it('picks the newest satisfying version', () => {
    const c = parseVersionConstraint('>=1.0.0, <2.0.0, !=1.9.0');
    assert.ok(c);
    assert.equal(newestSatisfying(['0.9.0', '1.2.0', '1.9.0', '2.0.0', '1.10.0-rc.1'], c), '1.2.0');
  });
});
