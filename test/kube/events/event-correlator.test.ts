import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregate, CORRELATOR_DEFAULTS, logEvent, objectKey, spamFilter, type Bucket, type Similar } from '../../../src/kube/events/event-correlator.ts';

const MIN = 60_000;

describe('spamFilter (client-go: burst 25, one token per 5 minutes per object)', () => {
  const table: Array<[string, Bucket | undefined, number, boolean, Bucket]> = [
    ['a first Event passes and leaves 24 tokens', undefined, 0, true, { tokens: 24, at: 0 }],
    ['an empty bucket drops', { tokens: 0, at: 0 }, 4 * MIN, false, { tokens: 0, at: 0 }],
    ['an empty bucket 5 minutes later passes again', { tokens: 0, at: 0 }, 5 * MIN, true, { tokens: 0, at: 5 * MIN }],
    ['part of a period waited is kept', { tokens: 0, at: 0 }, 7 * MIN, true, { tokens: 0, at: 5 * MIN }],
    ['refill stops at the burst', { tokens: 3, at: 0 }, 1000 * MIN, true, { tokens: 24, at: 1000 * MIN }],
  ];
  for (const [name, bucket, now, allow, after] of table) {
    it(name, () => assert.deepEqual(spamFilter(bucket, now), { allow, bucket: after }));
  }
  it('lets 25 Events of one object through in a burst, then drops the 26th', () => {
    let bucket: Bucket | undefined;
    const allowed: boolean[] = [];
    for (let i = 0; i < 26; i++) {
      const r = spamFilter(bucket, i);
      bucket = r.bucket;
      allowed.push(r.allow);
    }
    assert.equal(allowed.filter(Boolean).length, 25);
    assert.equal(allowed[25], false);
  });
});

describe('aggregate (10 distinct messages of one reason within 10 minutes become one combined Event)', () => {
  const nine: Similar = { messages: ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9'], since: 0 };
  const table: Array<[string, Similar | undefined, string, number, string, number]> = [
    ['a first message is kept as it is', undefined, 'm1', 0, 'm1', 1],
    ['a repeated message is not counted twice', { messages: ['m1'], since: 0 }, 'm1', MIN, 'm1', 1],
    ['the 10th distinct message is combined', nine, 'm10', MIN, '(combined from similar events): m10', 10],
    ['past the window it starts again', nine, 'm10', 11 * MIN, 'm10', 1],
  ];
  for (const [name, similar, message, now, want, count] of table) {
    it(name, () => {
      const r = aggregate(similar, message, now);
      assert.equal(r.message, want);
      assert.equal(r.similar.messages.length, count);
    });
  }
  it('keeps at most maxSimilar messages', () => {
    const full = { messages: Array.from({ length: CORRELATOR_DEFAULTS.maxSimilar }, (_, i) => `m${i}`), since: 0 };
    assert.equal(aggregate(full, 'other', MIN).similar.messages.length, CORRELATOR_DEFAULTS.maxSimilar);
  });
});

describe('logEvent', () => {
  it('creates an Event not recorded before', () => assert.deepEqual(logEvent(undefined), { kind: 'create' }));
  it('counts a repeat on the recorded Event', () => assert.deepEqual(logEvent({ name: 'hr.abc', count: 3 }), { kind: 'update', name: 'hr.abc', count: 4 }));
});

describe('objectKey', () => {
  it('tells objects apart by kind, namespace, name and uid', () => {
    assert.notEqual(objectKey({ kind: 'HelmRelease', namespace: 'a', name: 'x' }), objectKey({ kind: 'Namespace', namespace: 'a', name: 'x' }));
    assert.notEqual(objectKey({ kind: 'HelmRelease', namespace: 'a', name: 'x', uid: '1' }), objectKey({ kind: 'HelmRelease', namespace: 'a', name: 'x', uid: '2' }));
  });
});
