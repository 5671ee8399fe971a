import type { StepOutcome } from './actions/outcome.ts';
import type { HelmRevision } from './release-state.ts';

// The newest revision a rollback can go back to: deployed or superseded, older than the newest one.
export function rollbackTarget(history: readonly HelmRevision[]): HelmRevision | undefined {
  const [latest, ...older] = history;
  return latest ? older.find((r) => r.status === 'deployed' || r.status === 'superseded') : undefined;
}

const PENDING = /^pending-/;

// Helm's history after a step, as Helm writes it, so a reconcile reads Helm's storage once; undefined where the
// outcome leaves it unknown (a failed install, upgrade, rollback or uninstall may or may not have written a
// revision): the caller reads it again.
export function historyAfter(history: readonly HelmRevision[], outcome: StepOutcome): readonly HelmRevision[] | undefined {
  switch (outcome.action) {
    case 'test':
      return history; // helm test writes no revision
    case 'unlock':
      return history.map((r) => (r.version === outcome.revision && PENDING.test(r.status) ? { ...r, status: 'failed' } : r));
    case 'uninstall':
      return outcome.error ? undefined : []; // helm uninstall without --keep-history deletes every revision
    default: {
      if (outcome.error) return undefined;
      // install, upgrade and rollback each write one new revision, deployed, and supersede the one deployed before
      const version = outcome.revision ?? (history[0]?.version ?? 0) + 1;
      const older = history.map((r) => (r.status === 'deployed' ? { ...r, status: 'superseded' } : r));
      return [{ version, status: 'deployed', chart: '' }, ...older];
    }
  }
}
