import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { driftCheckWanted } from '../../../src/helm/drift/check-drift.ts';
import { DriftMode } from '../../../src/helm/drift/drift-mode.ts';
import { actionForState } from '../../../src/helm/next-action.ts';
import { determineReleaseState, ReleaseStatus, type HelmRevision, type StateInput } from '../../../src/helm/release-state.ts';

const D = 'sha256:desired';
const rev = (version: number, status: string): HelmRevision => ({ version, status, chart: 'hello-0.1.0' });
const inSync: StateInput = { history: [rev(2, 'deployed')], recorded: { lastAppliedDigest: D, lastReleaseVersion: 2 }, spec: { chart: {} }, desiredDigest: D };

describe('drift in the release state', () => {
  // [case, input, expected state, expected action, reason matching]
  const table: Array<[string, StateInput, string, string, RegExp]> = [
    ['in sync, no drift found', inSync, 'InSync', 'none', /^release matches the desired inputs$/],
    ['in sync, drift to correct', { ...inSync, drift: { correct: true, summary: 'Deployment/web changed' } }, 'Drifted', 'upgrade', /^drift: Deployment\/web changed$/],
    ['in sync, drift to report only (warn)', { ...inSync, drift: { correct: false, summary: 'ConfigMap/conf missing' } }, 'InSync', 'none', /not corrected \(warn\): ConfigMap\/conf missing/],
    ['inputs changed: the upgrade is for them, whatever drift says', { ...inSync, recorded: { lastAppliedDigest: 'sha256:old', lastReleaseVersion: 2 }, drift: { correct: true, summary: 'x' } },
      'OutOfSync', 'upgrade', /desired inputs changed/],
    ['locked: unlock first', { ...inSync, history: [rev(3, 'pending-upgrade')], drift: { correct: true, summary: 'x' } }, 'Locked', 'unlock', /pending-upgrade/],
  ];
  for (const [name, input, state, action, reason] of table) {
    it(`${name}: ${state} → ${action}`, () => {
      const got = determineReleaseState(input);
      assert.equal(got.status, state);
      assert.equal(actionForState(got), action);
      assert.match(got.reason, reason);
    });
  }
});

describe('driftCheckWanted', () => {
  // only an otherwise unchanged release is compared: every other state runs helm, which applies the manifest anyway
  const table: Array<[DriftMode, ReleaseStatus, boolean]> = [
    [DriftMode.Disabled, ReleaseStatus.InSync, false],
    [DriftMode.Enabled, ReleaseStatus.InSync, true],
    [DriftMode.Warn, ReleaseStatus.InSync, true],
    [DriftMode.Enabled, ReleaseStatus.OutOfSync, false],
    [DriftMode.Enabled, ReleaseStatus.Absent, false],
    [DriftMode.Enabled, ReleaseStatus.Locked, false],
    [DriftMode.Warn, ReleaseStatus.Failed, false],
    [DriftMode.Enabled, ReleaseStatus.RetriesExhausted, false],
    [DriftMode.Enabled, ReleaseStatus.Unrecorded, false],
  ];
  for (const [mode, status, wanted] of table) {
    it(`${mode}, ${status} → ${wanted ? 'check' : 'no check'}`, () => assert.equal(driftCheckWanted(mode, { status, reason: '' }), wanted));
  }
});
