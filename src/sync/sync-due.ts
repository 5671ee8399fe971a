// Whether a daemon cycle applies the head it fetched, and why: the first cycle and any trigger, a head that moved,
// the sync interval elapsed, or the last sync of this head left something unapplied (an object the API server
// refused while it restarted, a file that did not load), retried with backoff: retryBaseMs after the first such
// sync, doubling per sync that stays incomplete, up to the sync interval.
export interface DueInput {
  forced: boolean;
  head: string;
  last?: { revision: string; complete: boolean };
  sinceLastSyncMs: number;
  syncIntervalMs: number;
  retryBaseMs: number;
  incompleteSyncs: number; // syncs in a row that left something unapplied
}

export type DueReason = 'forced' | 'new-head' | 'interval' | 'retry-incomplete';

export function syncDue(i: DueInput): DueReason | undefined {
  if (i.forced || !i.last) return 'forced';
  if (i.head !== i.last.revision) return 'new-head';
  if (i.sinceLastSyncMs >= i.syncIntervalMs) return 'interval';
  if (!i.last.complete && i.sinceLastSyncMs >= incompleteRetryMs(i)) return 'retry-incomplete';
  return undefined;
}

// How long after an incomplete sync the same head is applied again.
export function incompleteRetryMs(i: Pick<DueInput, 'retryBaseMs' | 'syncIntervalMs' | 'incompleteSyncs'>): number {
  return Math.min(i.syncIntervalMs, i.retryBaseMs * 2 ** Math.max(0, i.incompleteSyncs - 1));
}
