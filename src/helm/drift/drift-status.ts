import { ConditionType, type Condition, type HelmReleaseStatus } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { findCondition, removeCondition, setCondition } from '../../kube/conditions.ts';
import { driftSummary, type DriftedObject } from './compare-objects.ts';
import { DriftMode } from './drift-mode.ts';

// The reasons of the Drifted condition.
export const DriftReason = { Detected: 'DriftDetected', None: 'NoDrift', Corrected: 'DriftCorrected' } as const;

// The status after a drift check: Drifted True naming the drifted objects (kind and name only, never a value), or
// False when none drifted (a DriftCorrected kept until the next drift: it says what was last put back). Unchanged
// when the condition already says so, so a quiet resync writes nothing.
export function statusForDrift(status: HelmReleaseStatus, mode: DriftMode, drifted: readonly DriftedObject[], now: Date): HelmReleaseStatus {
  if (drifted.length === 0) {
    if (findCondition(status.conditions, ConditionType.Drifted)?.reason === DriftReason.Corrected) return status;
    return mark(status, 'False', DriftReason.None, 'the objects of the release are as its manifest says', now);
  }
  const what = driftSummary(drifted);
  const message = mode === DriftMode.Enabled ? `${what}: corrected by an upgrade` : `${what} (drift detection warn: not corrected)`;
  return mark(status, 'True', DriftReason.Detected, message, now);
}

// The status once a release succeeded while Drifted was True: Helm applied the manifest again, so the objects are
// as it says. Unchanged otherwise.
export function statusDriftCorrected(status: HelmReleaseStatus, revision: number | undefined, now: Date): HelmReleaseStatus {
  const drifted = findCondition(status.conditions, ConditionType.Drifted);
  if (drifted?.status !== 'True') return status;
  const what = (drifted.message ?? '').replace(/: corrected by an upgrade$| \(drift detection warn: not corrected\)$/, '');
  return mark(status, 'False', DriftReason.Corrected, `revision ${revision ?? '?'} restored ${what}`, now);
}

// The status with drift detection off: no Drifted condition left from when it was on.
export function statusWithoutDrift(status: HelmReleaseStatus): HelmReleaseStatus {
  if (!findCondition(status.conditions, ConditionType.Drifted)) return status;
  return { ...status, conditions: removeCondition(status.conditions ?? [], ConditionType.Drifted) };
}

function mark(status: HelmReleaseStatus, value: Condition['status'], reason: string, message: string, now: Date): HelmReleaseStatus {
  const current = findCondition(status.conditions, ConditionType.Drifted);
  if (current?.status === value && current.reason === reason && current.message === message) return status;
  return { ...status, conditions: setCondition(status.conditions ?? [], { type: ConditionType.Drifted, status: value, reason, message }, now) };
}
