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
      return outcome.error
        ? [{ type: 'Warning', reason: 'TestFailed', message: `tests of release '${name}' failed: ${cause}` }]
        : [{ type: 'Normal', reason: 'TestSucceeded', message: `tests of release '${name}' succeeded` }];
    case 'rollback':
      return outcome.error
        ? [{ type: 'Warning', reason: 'RollbackFailed', message: `rollback of '${name}' failed: ${cause}` }]
        : [{ type: 'Normal', reason: 'RolledBack', message: `release '${name}' rolled back to revision ${outcome.target}` }];
    case 'uninstall':
      return outcome.error
        ? [{ type: 'Warning', reason: 'UninstallFailed', message: `uninstall of ${describe(ctx)} failed: ${cause}` }]
        : [{ type: 'Normal', reason: 'Uninstalled', message: `${describe(ctx)} uninstalled` }];
    case 'unlock':
      return [{ type: 'Warning', reason: 'Unlock', message: `${describe(ctx)} revision ${outcome.revision} was left ${outcome.left} by a worker that stopped; recovering` }];
    case 'install':
    case 'upgrade': {
      const verb = outcome.action === 'install' ? 'Install' : 'Upgrade';
      return outcome.error
        ? [{ type: 'Warning', reason: `${verb}Failed`, message: `${outcome.action} of ${describe(ctx)} failed: ${cause}` }]
        : [{ type: 'Normal', reason: `${verb}Succeeded`, message: `${outcome.action} of ${describe(ctx)} succeeded${outcome.revision ? ` at revision ${outcome.revision}` : ''}` }];
    }
    default:
      return []; // adopt is told by the reconcile's end (Adopted, or the upgrade that follows)
  }
}

// The reason of the Event that says an action starts, as the phase it enters; undefined for read-only steps.
const STARTING: Readonly<Record<string, string>> = { install: 'Installing', upgrade: 'Upgrading', test: 'Testing', rollback: 'RollingBack', uninstall: 'Uninstalling', unlock: 'Unlocking' };

// The Event recorded before an action's helm call: which action runs on which release (never its values).
export function actionEvent(action: string, ctx: Pick<ReleaseTarget, 'releaseName' | 'targetNamespace'>): ReleaseEvent | undefined {
  const reason = STARTING[action];
  return reason ? { type: 'Normal', reason, message: `${action} of ${describe(ctx)} started` } : undefined;
}
