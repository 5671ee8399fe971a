import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { incompleteRetryMs, syncDue, type DueInput } from '../../src/sync/sync-due.ts';

const base: DueInput = { forced: false, head: 'b', last: { revision: 'b', complete: true }, sinceLastSyncMs: 5_000, syncIntervalMs: 300_000, retryBaseMs: 10_000, incompleteSyncs: 0 };

describe('syncDue: when the daemon applies the head it fetched', () => {
  // [case, changes to base, due]
  const table: Array<[string, Partial<DueInput>, string | undefined]> = [
    ['the first cycle', { last: undefined }, 'forced'],
    ['a trigger (webhook, fluxctl sync)', { forced: true }, 'forced'],
    ['a new head', { head: 'c' }, 'new-head'],
    ['the same head, complete, within the interval', {}, undefined],
    ['the same head, complete, the interval elapsed', { sinceLastSyncMs: 300_000 }, 'interval'],
    ['incomplete (the API server refused some objects), 10 s later: retried', { last: { revision: 'b', complete: false }, incompleteSyncs: 1, sinceLastSyncMs: 10_000 }, 'retry-incomplete'],
    ['incomplete, 5 s later: not yet', { last: { revision: 'b', complete: false }, incompleteSyncs: 1 }, undefined],
    ['incomplete 3 times in a row, 30 s later: not yet (40 s)', { last: { revision: 'b', complete: false }, incompleteSyncs: 3, sinceLastSyncMs: 30_000 }, undefined],
    ['incomplete 3 times in a row, 40 s later: retried', { last: { revision: 'b', complete: false }, incompleteSyncs: 3, sinceLastSyncMs: 40_000 }, 'retry-incomplete'],
  ];
  for (const [name, change, due] of table) it(name, () => assert.equal(syncDue({ ...base, ...change }), due));

  it('backs off from the base, doubling, up to the sync interval', () => {
    assert.deepEqual([1, 2, 3, 6, 20].map((n) => incompleteRetryMs({ ...base, incompleteSyncs: n })), [10_000, 20_000, 40_000, 300_000, 300_000]);
  });
});
