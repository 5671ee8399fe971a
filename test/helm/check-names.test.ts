import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { namespaceNameProblem, objectNameProblem, releaseNameProblem } from '../../src/helm/check-names.ts';

describe('releaseNameProblem: what helm would take as a release name', () => {
  const cases: Array<[unknown, RegExp | undefined]> = [
    ['web', undefined],
    ['apps-web', undefined],
    ['a.b-c.d1', undefined],
    ['0', undefined],
    ['r'.repeat(53), undefined],
    ['r'.repeat(54), /54 characters long; Helm allows at most 53/],
    ['a,b', /not a valid Helm release name/],
    ['name=x', /not a valid Helm release name/],
    ['web,owner!=helm', /not a valid Helm release name/],
    ['-lead', /not a valid Helm release name/],
    ['--set', /not a valid Helm release name/],
    ['trail-', /not a valid Helm release name/],
    ['Upper', /not a valid Helm release name/],
    ['has space', /not a valid Helm release name/],
    ['a/b', /not a valid Helm release name/],
    ['a..b', /not a valid Helm release name/],
    ['', /non-empty string/],
    [42, /non-empty string/],
    [undefined, /non-empty string/],
  ];
  for (const [name, problem] of cases) {
    it(`${JSON.stringify(name) ?? 'undefined'} → ${problem ?? 'fine'}`, () => {
      const got = releaseNameProblem(name);
      if (problem) assert.match(got ?? '', problem);
      else assert.equal(got, undefined);
    });
  }
});

describe('namespaceNameProblem: a DNS-1123 label', () => {
  const cases: Array<[unknown, boolean]> = [
    ['apps', true], ['kube-system', true], ['a1', true], ['n'.repeat(63), true],
    ['n'.repeat(64), false], ['Not_A_Namespace', false], ['-x', false], ['x-', false], ['a.b', false],
    ['a,b', false], ['..', false], ['', false], [null, false], [7, false],
  ];
  for (const [name, ok] of cases) {
    it(`${JSON.stringify(name)} is ${ok ? '' : 'not '}a namespace name`, () => {
      assert.equal(namespaceNameProblem(name) === undefined, ok, namespaceNameProblem(name));
    });
  }
});

describe('objectNameProblem: a DNS-1123 subdomain', () => {
  const cases: Array<[unknown, boolean]> = [
    ['values', true], ['git-auth', true], ['my.values.v1', true], ['s'.repeat(253), true],
    ['s'.repeat(254), false], ['..', false], ['../kube-system', false], ['Values', false], ['', false], [{}, false],
  ];
  for (const [name, ok] of cases) {
    it(`${JSON.stringify(name).slice(0, 40)} is ${ok ? '' : 'not '}an object name`, () => {
      assert.equal(objectNameProblem(name) === undefined, ok, objectNameProblem(name));
    });
  }
});
