import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HelmReleaseSpec, HelmReleaseStatus } from '../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { Action, nextAction, stepTaken, type PreviousStep } from '../../src/helm/next-action.ts';
import type { HelmRevision } from '../../src/helm/release-state.ts';

const D = 'hmac-sha256:desired';
const OLD = 'hmac-sha256:old';
const rev = (version: number, status: string): HelmRevision => ({ version, status, chart: '' });
const spec = (extra: Partial<HelmReleaseSpec> = {}): HelmReleaseSpec => ({ chart: { repository: 'http://r', name: 'hello', version: '0.1.0' }, ...extra });
const step = (action: PreviousStep['action'], ok: boolean, began: PreviousStep['began']): PreviousStep => ({ action, ok, began });

// A release that Capstan released at revision 2 with other inputs, and is now attempting D (failures counted so far).
const attempting = (failures = 0): HelmReleaseStatus => ({ lastAppliedDigest: OLD, lastReleaseVersion: 2, lastAttemptedDigest: D, failures });
const inSync: HelmReleaseStatus = { lastAppliedDigest: D, lastReleaseVersion: 2, lastAttemptedDigest: D, failures: 0 };
const RETRY = spec({ rollback: { enable: true, retry: true } });

type Row = [string, HelmRevision[], HelmReleaseStatus, HelmReleaseSpec, PreviousStep | undefined, string, string?];
// [case, history newest first, status as it now stands, spec, previous step of this reconcile, next action, verdict]
const table: Row[] = [
  // the start of a reconcile: the state alone
  ['no release: install', [], {}, spec(), undefined, 'install'],
  ['uninstalled with its history kept: install', [rev(2, 'uninstalled')], {}, spec(), undefined, 'install'],
  ['inputs changed: upgrade', [rev(2, 'deployed')], { lastAppliedDigest: OLD, lastReleaseVersion: 2 }, spec(), undefined, 'upgrade'],
  ['pending-upgrade left by a dead worker: unlock', [rev(3, 'pending-upgrade'), rev(2, 'deployed')], inSync, spec(), undefined, 'unlock'],
  ['left uninstalling: unlock', [rev(3, 'uninstalling')], inSync, spec(), undefined, 'unlock'],
  ['budget spent: stall', [rev(4, 'failed')], attempting(5), spec(), undefined, 'stall'],
  ['taken over, no digest recorded: adopt', [rev(5, 'deployed')], {}, spec(), undefined, 'adopt'],
  ['in sync: none, unchanged', [rev(2, 'deployed')], inSync, spec(), undefined, 'none', 'unchanged'],
  // after the comparison of a release taken over with what is deployed
  ['same chart and values as deployed: none, adopted (no upgrade)', [rev(5, 'deployed')], {}, spec(), step('adopt', true, 'upgrade'), 'none', 'adopted'],
  ['differs from what is deployed: upgrade', [rev(5, 'deployed')], {}, spec(), step('adopt', false, 'upgrade'), 'upgrade'],
  // after an unlock
  ['unlocked with a good revision: rollback', [rev(3, 'failed'), rev(2, 'deployed')], inSync, spec(), step('unlock', true, 'unlock'), 'rollback'],
  ['unlocked a pending-install: uninstall', [rev(1, 'failed')], {}, spec(), step('unlock', true, 'unlock'), 'uninstall'],
  ['unlocked while uninstalling: uninstall', [rev(3, 'uninstalling'), rev(2, 'superseded')], inSync, spec(), step('unlock', true, 'unlock'), 'uninstall'],
  ['rolled back after unlock: the state decides (upgrade)', [rev(4, 'deployed'), rev(3, 'failed')], inSync, spec(), step('rollback', true, 'unlock'), 'upgrade'],
  ['rollback after unlock failed: none (tried again later; nothing running is uninstalled)', [rev(4, 'failed'), rev(3, 'failed'), rev(2, 'superseded')], inSync, spec(), step('rollback', false, 'unlock'), 'none', 'failed'],
  ['uninstalled after unlock: the state decides (install)', [], inSync, spec(), step('uninstall', true, 'unlock'), 'install'],
  // after an install or upgrade
  ['installed, tests enabled: test', [rev(1, 'deployed')], attempting(), spec({ test: { enable: true } }), step('install', true, 'install'), 'test'],
  ['installed, no tests: released', [rev(1, 'deployed')], attempting(), spec(), step('install', true, 'install'), 'none', 'released'],
  ['upgraded, no tests: released (no second upgrade in one reconcile)', [rev(3, 'deployed'), rev(2, 'superseded')], attempting(), spec(), step('upgrade', true, 'upgrade'), 'none', 'released'],
  ['install failed, budget left: none, failed (retried after backoff)', [rev(1, 'failed')], attempting(1), spec(), step('install', false, 'install'), 'none', 'failed'],
  ['install failed, budget spent: stall', [rev(1, 'failed')], attempting(5), spec(), step('install', false, 'install'), 'stall'],
  ['upgrade failed, rollback.enable: rollback', [rev(3, 'failed'), rev(2, 'deployed')], attempting(1), spec({ rollback: { enable: true } }), step('upgrade', false, 'upgrade'), 'rollback'],
  ['upgrade failed, no rollback asked: none, failed', [rev(3, 'failed'), rev(2, 'deployed')], attempting(1), spec(), step('upgrade', false, 'upgrade'), 'none', 'failed'],
  ['upgrade failed, nothing to roll back to: none, failed', [rev(3, 'failed')], attempting(1), spec({ rollback: { enable: true } }), step('upgrade', false, 'upgrade'), 'none', 'failed'],
  ['upgrade failed, budget spent (maxRetries 2): stall', [rev(3, 'failed'), rev(2, 'deployed')], attempting(2), spec({ rollback: { maxRetries: 2 } }), step('upgrade', false, 'upgrade'), 'stall'],
  // after tests
  ['tests passed: released', [rev(3, 'deployed')], attempting(), spec({ test: { enable: true } }), step('test', true, 'upgrade'), 'none', 'released'],
  ['tests failed but ignoreFailures: released', [rev(3, 'deployed')], attempting(), spec({ test: { enable: true, ignoreFailures: true } }), step('test', false, 'upgrade'), 'none', 'released'],
  ['tests of an install failed: uninstall', [rev(1, 'deployed')], attempting(1), spec({ test: { enable: true } }), step('test', false, 'install'), 'uninstall'],
  ['tests of an upgrade failed: rollback (even without rollback.enable)', [rev(3, 'deployed'), rev(2, 'superseded')], attempting(1), spec({ test: { enable: true } }), step('test', false, 'upgrade'), 'rollback'],
  // after the remediation of a failed attempt
  ['rolled back, no retry asked: stall (change the spec)', [rev(4, 'deployed'), rev(3, 'failed'), rev(2, 'superseded')], attempting(1), spec({ rollback: { enable: true } }), step('rollback', true, 'upgrade'), 'stall'],
  ['rolled back, retry asked: none, failed', [rev(4, 'deployed'), rev(3, 'failed'), rev(2, 'superseded')], attempting(1), RETRY, step('rollback', true, 'upgrade'), 'none', 'failed'],
  ['rollback of a failed upgrade failed: none, failed', [rev(4, 'failed'), rev(3, 'failed'), rev(2, 'deployed')], attempting(1), RETRY, step('rollback', false, 'upgrade'), 'none', 'failed'],
  ['uninstalled after failed tests of an install: none, failed', [], attempting(1), spec({ test: { enable: true } }), step('uninstall', true, 'install'), 'none', 'failed'],
  ['uninstalled after failed tests, budget spent: stall', [], attempting(5), spec({ test: { enable: true } }), step('uninstall', true, 'install'), 'stall'],
  ['uninstall failed: none, failed', [rev(1, 'deployed')], attempting(1), spec(), step('uninstall', false, 'install'), 'none', 'failed'],
];

describe('nextAction', () => {
  for (const [name, history, recorded, s, previous, action, verdict] of table) {
    it(name, () => {
      const got = nextAction({ history, recorded, spec: s, desiredDigest: D, previous });
      assert.equal(got.action, action, got.reason);
      assert.equal(got.verdict, verdict, got.reason);
      assert.ok(got.reason.length > 0);
    });
  }

  it('has a row for every action', () => {
    const covered = new Set(table.map((row) => row[5]));
    assert.deepEqual([...covered].sort(), Object.values(Action).sort());
  });

  it('a stall after a rolled-back upgrade says so; after a spent budget it counts the failures', () => {
    const rolledBack = nextAction({ history: [rev(4, 'deployed'), rev(3, 'failed')], recorded: attempting(1), spec: spec({ rollback: { enable: true } }), desiredDigest: D, previous: step('rollback', true, 'upgrade') });
    assert.match(rolledBack.reason, /rolled back/);
    const spent = nextAction({ history: [rev(3, 'failed')], recorded: attempting(2), spec: spec({ rollback: { maxRetries: 2 } }), desiredDigest: D, previous: step('upgrade', false, 'upgrade') });
    assert.match(spent.reason, /failed 2 time\(s\)/);
  });
});

describe('stepTaken', () => {
  it('install, upgrade and unlock begin a sequence; the others continue the one before', () => {
    assert.equal(stepTaken('upgrade', false, undefined).began, 'upgrade');
    assert.equal(stepTaken('rollback', true, step('upgrade', false, 'upgrade')).began, 'upgrade');
    assert.equal(stepTaken('uninstall', true, step('test', false, 'install')).began, 'install');
    assert.equal(stepTaken('rollback', false, step('unlock', true, 'unlock')).began, 'unlock');
    assert.equal(stepTaken('install', true, step('uninstall', true, 'unlock')).began, 'install');
  });
});
