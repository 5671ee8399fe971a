import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { policyKey, policyOf, type WorkloadPolicy } from '../../../src/image/workload/policy.ts';

describe('policyOf', () => {
  const none: WorkloadPolicy = { automated: false, locked: false, ignore: false, filters: {} };
  // [what, annotations, policy]
  const table: Array<[string, Record<string, string>, WorkloadPolicy]> = [
    ['no annotations', {}, none],
    ['fluxcd.io/automated "true"', { 'fluxcd.io/automated': 'true' }, { ...none, automated: true }],
    ['automated only for the string "true"', { 'fluxcd.io/automated': 'True' }, none],
    ['automated "false"', { 'fluxcd.io/automated': 'false' }, none],
    ['the legacy prefix', { 'flux.weave.works/automated': 'true', 'flux.weave.works/locked': 'true' }, { ...none, automated: true, locked: true }],
    ['locked', { 'fluxcd.io/locked': 'true', 'fluxcd.io/locked_msg': 'incident 42', 'fluxcd.io/locked_user': 'ann' }, { ...none, locked: true }],
    ['ignore "true"', { 'fluxcd.io/ignore': 'true' }, { ...none, ignore: true }],
    ['ignore sync_only is no ignore for images', { 'fluxcd.io/ignore': 'sync_only' }, none],
    ['fluxcd.io/tag.<container>', { 'fluxcd.io/tag.app': 'semver:~1.2' }, { ...none, filters: { app: 'semver:~1.2' } }],
    ['flux.weave.works/tag.<container>', { 'flux.weave.works/tag.app': 'glob:master-*' }, { ...none, filters: { app: 'glob:master-*' } }],
    ['filter.fluxcd.io/<container>', { 'filter.fluxcd.io/chart-image': 'regex:^v\\d+$' }, { ...none, filters: { 'chart-image': 'regex:^v\\d+$' } }],
    ['* is no filter', { 'fluxcd.io/tag.app': '*', 'filter.fluxcd.io/db': 'glob:*', 'fluxcd.io/tag.web': 'glob:v*' }, { ...none, filters: { web: 'glob:v*' } }],
    ['fluxcd.io/ wins over flux.weave.works/', { 'fluxcd.io/automated': 'false', 'flux.weave.works/automated': 'true' }, none],
    ['fluxcd.io/tag wins over filter.fluxcd.io', { 'filter.fluxcd.io/app': 'semver:*', 'fluxcd.io/tag.app': 'glob:*' }, none],
    ['unrelated annotations are not policies', { 'example.com/automated': 'true', 'fluxcd.io/tag.': 'x' }, none],
  ];
  for (const [what, annotations, policy] of table) {
    it(what, () => assert.deepEqual(policyOf(annotations), policy));
  }
});

describe('policyKey', () => {
  // [annotations, policy, key]
  const table: Array<[Record<string, string>, string, string]> = [
    [{}, 'automated', 'fluxcd.io/automated'],
    [{}, 'tag.app', 'fluxcd.io/tag.app'],
    [{ 'flux.weave.works/automated': 'false' }, 'automated', 'flux.weave.works/automated'],
    [{ 'fluxcd.io/locked': 'true', 'flux.weave.works/locked': 'true' }, 'locked', 'fluxcd.io/locked'],
    [{ 'filter.fluxcd.io/app': 'semver:*' }, 'tag.app', 'filter.fluxcd.io/app'],
    [{ 'flux.weave.works/tag.app': 'semver:*' }, 'tag.app', 'flux.weave.works/tag.app'],
    [{ 'filter.fluxcd.io/db': 'semver:*' }, 'tag.app', 'fluxcd.io/tag.app'],
    [{ 'filter.fluxcd.io/locked': 'x' }, 'locked', 'fluxcd.io/locked'], // filter.fluxcd.io/ holds tag filters only
  ];
  for (const [annotations, policy, key] of table) {
    it(`${policy} with ${JSON.stringify(annotations)} -> ${key}`, () => assert.equal(policyKey(annotations, policy), key));
  }
});
