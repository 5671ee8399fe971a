import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideLease, type LeaseObservation, type LeaseRecord, stillLeader } from '../../src/kube/lease-decision.ts';

const rec = (holder: string | undefined, version: string): LeaseRecord => ({ holder, durationMs: 15_000, version });
const seen = (record: LeaseRecord, changedAt: number): LeaseObservation => ({ record, changedAt });

describe('decideLease', () => {
  const table: [string, Parameters<typeof decideLease>[0], string][] = [
    ['creates a missing Lease', { identity: 'me', read: undefined, previous: undefined, now: 0 }, 'create'],
    ['renews its own Lease', { identity: 'me', read: rec('me', '5'), previous: seen(rec('me', '4'), 0), now: 100_000 }, 'renew'],
    ['acquires a released Lease', { identity: 'me', read: rec(undefined, '5'), previous: undefined, now: 0 }, 'acquire'],
    ['follows a holder seen for the first time, however old its renewTime',
      { identity: 'me', read: rec('other', '5'), previous: undefined, now: 1_000_000 }, 'follow'],
    ['follows a holder whose record changed within the duration',
      { identity: 'me', read: rec('other', '6'), previous: seen(rec('other', '5'), 0), now: 40_000 }, 'follow'],
    ['follows a holder whose record is unchanged for less than the duration',
      { identity: 'me', read: rec('other', '5'), previous: seen(rec('other', '5'), 10_000), now: 20_000 }, 'follow'],
    ['takes over from a holder whose record has not changed for longer than the duration (a crashed leader)',
      { identity: 'me', read: rec('other', '5'), previous: seen(rec('other', '5'), 10_000), now: 25_001 }, 'acquire'],
  ];
  for (const [why, input, step] of table) {
    it(why, () => assert.equal(decideLease(input).step, step));
  }

  it('restarts the clock when the record changes, and keeps it when it does not', () => {
    const first = decideLease({ identity: 'me', read: rec('other', '5'), previous: undefined, now: 1_000 }).observed;
    assert.equal(first?.changedAt, 1_000);
    const same = decideLease({ identity: 'me', read: rec('other', '5'), previous: first, now: 9_000 }).observed;
    assert.equal(same?.changedAt, 1_000);
    const moved = decideLease({ identity: 'me', read: rec('other', '6'), previous: same, now: 9_000 }).observed;
    assert.equal(moved?.changedAt, 9_000);
  });
});

describe('stillLeader', () => {
  it('expires by itself once renewals stop for two thirds of the lease', () => {
    assert.equal(stillLeader(undefined, 15_000, 0), false);
    assert.equal(stillLeader(0, 15_000, 9_999), true);
    assert.equal(stillLeader(0, 15_000, 10_000), false);
  });
});
