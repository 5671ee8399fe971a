import type { HelmRelease } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';

// Phases a release ends in when its attempt did not succeed.
const FAILED: ReadonlySet<string> = new Set(['ChartFetchFailed', 'DeployFailed', 'TestFailed', 'Failed', 'RolledBack', 'RollbackFailed']);

// Where a requested reconcile stands: not yet handled (the progress line), or handled and Ready or failed.
export type ReconcileState = { done: false; progress: string } | { done: true; failed: boolean; summary: string };

// Reads the state of the reconcile requested at `requestedAt` from the HelmRelease as it is now.
export function reconcileState(hr: HelmRelease, requestedAt: string): ReconcileState {
  const s = hr.status ?? {};
  const ready = s.conditions?.find((c) => c.type === 'Ready');
  const released = s.conditions?.find((c) => c.type === 'Released');
  const where = `HelmRelease ${hr.metadata.namespace}/${hr.metadata.name}`;
  if (s.lastHandledReconcileAt !== requestedAt) {
    const action = s.lastAction && s.lastAction.finishedAt === undefined ? `, ${s.lastAction.action} running` : '';
    return { done: false, progress: `${where}: reconciling (phase ${s.phase ?? 'none'}${action})` };
  }
  const failed = ready?.status !== 'True' || FAILED.has(s.phase ?? '');
  const message = (failed ? ready?.message || released?.message : released?.message) ?? '';
  return { done: true, failed, summary: `${where} ${failed ? 'failed' : 'reconciled'}: phase ${s.phase ?? 'none'}${message ? `: ${message}` : ''}` };
}
