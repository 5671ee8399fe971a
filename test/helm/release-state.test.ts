import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HelmReleaseSpec, HelmReleaseStatus } from '../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { actionForState } from '../../src/helm/next-action.ts';
import { determineReleaseState, type HelmRevision } from '../../src/helm/release-state.ts';

const D = 'sha256:desired';
const OLD = 'sha256:old';
const rev = (version: number, status: string): HelmRevision => ({ version, status, chart: 'hello-0.1.0' });
const spec = (extra: Partial<HelmReleaseSpec> = {}): HelmReleaseSpec => ({ chart: { repository: 'http://r', name: 'hello', version: '0.1.0' }, ...extra });

// [case, history newest first, recorded status, spec, expected state, expected action]
const table: Array<[string, HelmRevision[], HelmReleaseStatus, HelmReleaseSpec, string, string]> = [
  ['no release', [], {}, spec(), 'Absent', 'install'],
  ['uninstalled (kept history)', [rev(2, 'uninstalled')], {}, spec(), 'Absent', 'install'],
  ['pending-upgrade left by a dead worker', [rev(3, 'pending-upgrade'), rev(2, 'deployed')], { lastAppliedDigest: D, lastReleaseVersion: 2 }, spec(), 'Locked', 'unlock'],
  ['pending-install', [rev(1, 'pending-install')], {}, spec(), 'Locked', 'unlock'],
  ['same digest, same revision', [rev(2, 'deployed')], { lastAppliedDigest: D, lastReleaseVersion: 2 }, spec(), 'InSync', 'none'],
  ['values changed', [rev(2, 'deployed')], { lastAppliedDigest: OLD, lastReleaseVersion: 2 }, spec(), 'OutOfSync', 'upgrade'],
  ['upgraded by hand outside Capstan', [rev(3, 'deployed')], { lastAppliedDigest: D, lastReleaseVersion: 2 }, spec(), 'OutOfSync', 'upgrade'],
  ['taken over: deployed, no Capstan digest recorded', [rev(5, 'deployed')], {}, spec(), 'Unrecorded', 'adopt'],
  ['taken over with the Helm Operator\'s status', [rev(1, 'deployed')], { phase: 'Succeeded', releaseName: 'web', releaseStatus: 'deployed', revision: '0.1.0', observedGeneration: 1 },
    spec(), 'Unrecorded', 'adopt'],
  ['taken over, newest revision failed: no adoption', [rev(3, 'failed'), rev(2, 'superseded')], {}, spec(), 'OutOfSync', 'upgrade'],
  ['attempted by Capstan, never released: no adoption', [rev(2, 'deployed')], { lastAttemptedDigest: OLD, failures: 1 }, spec(), 'OutOfSync', 'upgrade'],
  ['failed once, budget left', [rev(3, 'failed'), rev(2, 'deployed')], { lastAttemptedDigest: D, failures: 1 }, spec(), 'Failed', 'upgrade'],
  ['failed, budget spent (maxRetries 2)', [rev(4, 'failed')], { lastAttemptedDigest: D, failures: 2 }, spec({ rollback: { maxRetries: 2 } }), 'RetriesExhausted', 'stall'],
  ['failed with other inputs: new budget', [rev(4, 'failed')], { lastAttemptedDigest: OLD, failures: 9 }, spec(), 'OutOfSync', 'upgrade'],
  ['failed, maxRetries 0 means no limit', [rev(9, 'failed')], { lastAttemptedDigest: D, failures: 50 }, spec({ rollback: { maxRetries: 0 } }), 'Failed', 'upgrade'],
  ['rolled back, no retry asked', [rev(4, 'deployed'), rev(3, 'failed')], { lastAttemptedDigest: D, failures: 1, lastAppliedDigest: OLD, lastReleaseVersion: 2 },
    spec({ rollback: { enable: true } }), 'RetriesExhausted', 'stall'],
  ['rolled back, retry asked', [rev(4, 'deployed'), rev(3, 'failed')], { lastAttemptedDigest: D, failures: 1, lastAppliedDigest: OLD, lastReleaseVersion: 2 },
    spec({ rollback: { enable: true, retry: true, maxRetries: 3 } }), 'Failed', 'upgrade'],
  ['install failed then uninstalled by a failed test, budget spent', [], { lastAttemptedDigest: D, failures: 5 }, spec(), 'RetriesExhausted', 'stall'],
];

describe('determineReleaseState → actionForState', () => {
  for (const [name, history, recorded, s, state, action] of table) {
    it(`${name}: ${state} → ${action}`, () => {
      const got = determineReleaseState({ history, recorded, spec: s, desiredDigest: D });
      assert.equal(got.status, state, got.reason);
      assert.equal(actionForState(got), action);
      assert.ok(got.reason.length > 0);
    });
  }
});
