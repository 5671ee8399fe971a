import { describe, type ReleaseTarget } from '../release-context.ts';
import type { StepOutcome } from './outcome.ts';

// A Kubernetes Event to record on the HelmRelease.
export interface ReleaseEvent { type: 'Normal' | 'Warning'; reason: string; message: string }

// The Events a step's outcome is told by, in the Helm Operator's words where it had them.
export function outcomeEvents(outcome: StepOutcome, ctx: Pick<ReleaseTarget, 'releaseName' | 'targetNamespace'>): ReleaseEvent[] {
  const name = ctx.releaseName;
  const cause = outcome.error?.message ?? '';
  switch (outcome.action) {
    case 'test':
      return outcome.error ? [{ type: 'Warning', reason: 'TestFailed', message: `tests of release '${name}' failed: ${cause}` }] : [];
    case 'rollback':
      return outcome.error
        ? [{ type: 'Warning', reason: 'RollbackFailed', message: `rollback of '${name}' failed: ${cause}` }]
        : [{ type: 'Normal', reason: 'RolledBack', message: `release '${name}' rolled back to revision ${outcome.target}` }];
    case 'uninstall':
      return outcome.error ? [] : [{ type: 'Normal', reason: 'Uninstalled', message: `${describe(ctx)} uninstalled` }];
    case 'unlock':
      return [{ type: 'Warning', reason: 'Unlock', message: `${describe(ctx)} revision ${outcome.revision} was left ${outcome.left} by a worker that stopped; recovering` }];
    default:
      return []; // install and upgrade are told by the reconcile's end: ReleaseSynced or FailedReleaseSync
  }
}
