import { Phase } from '../apis/helm.fluxcd.io/v1/helmrelease.ts';
import type { StepOutcome } from './actions/outcome.ts';
import type { HelmRevision } from './release-state.ts';

// The newest revision a rollback can go back to: deployed or superseded, older than the newest one.
export function rollbackTarget(history: readonly HelmRevision[]): HelmRevision | undefined {
  const [latest, ...older] = history;
  return latest ? older.find((r) => r.status === 'deployed' || r.status === 'superseded') : undefined;
}

const PENDING = /^pending-/;
const UNLOCKED = 'marked failed by Capstan';

// The description Helm's storage gets for a revision a dead worker left pending-* (actions/unlock.ts).
export function unlockedDescription(status: string): string {
  return `Release left ${status} by a Capstan worker that stopped; ${UNLOCKED}`;
}

// Whether the newest revision is one this reconcile just unlocked: the live objects may then be anywhere between
// that revision and the one before, so a rollback replaces them (--force) rather than patching from a manifest
// they may not match (after a rollback cut short, a patch from its target's manifest would leave the failed
// upgrade's changes in place).
export function newestWasUnlocked(history: readonly HelmRevision[]): boolean {
  return history[0]?.description?.endsWith(UNLOCKED) === true;
}

// Phases written before a helm call and replaced when it returns: seen at the start of a reconcile, they say
// a worker may still be running that call (or died in it).
const ACTING: ReadonlySet<string> = new Set([Phase.Installing, Phase.Upgrading, Phase.Testing, Phase.RollingBack]);

// Whether a release may be in the middle of a helm run of another worker: its newest revision is pending-* or
// uninstalling, or its status shows a helm call under way. Then a worker waits for a live holder of the lease
// to show itself before it acts (worker.ts).
export function mayBeMidAction(history: readonly HelmRevision[], phase: string | undefined): boolean {
  const latest = history[0]?.status ?? '';
  return PENDING.test(latest) || latest === 'uninstalling' || ACTING.has(phase ?? '');
}

// Helm's history after a step, as Helm writes it, so a reconcile reads Helm's storage once; undefined where the
// outcome leaves it unknown (a failed install, upgrade, rollback or uninstall may or may not have written a
// revision): the caller reads it again.
export function historyAfter(history: readonly HelmRevision[], outcome: StepOutcome): readonly HelmRevision[] | undefined {
  switch (outcome.action) {
    case 'test':
    case 'adopt':
      return history; // helm test writes no revision, adoption only reads
    case 'unlock':
      return history.map((r) => (r.version === outcome.revision && PENDING.test(r.status) ? { ...r, status: 'failed', description: unlockedDescription(r.status) } : r));
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
