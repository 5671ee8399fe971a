import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventRecorder, type EventRecord, type EventWriter } from '../../../src/kube/events/event-recorder.ts';

function fakeWriter(fail = false) {
  const calls: string[] = [];
  let n = 0;
  const writer: EventWriter = {
    async create(e) {
      if (fail) throw new Error('forbidden');
      calls.push(`create ${e.reason}: ${e.message}`);
      return `ev-${++n}`;
    },
    async update(_ns, name, { count, message }) {
      calls.push(`update ${name} count=${count}${message.startsWith('(combined') ? ` ${message}` : ''}`);
    },
  };
  return { writer, calls };
}

const hr = { apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', namespace: 'team', name: 'web', uid: 'u1' };
const ev = (reason: string, message: string): EventRecord => ({ object: hr, type: 'Warning', reason, message });

describe('eventRecorder', () => {
  it('creates an Event, then counts a repeat on it rather than creating another', async () => {
    const { writer, calls } = fakeWriter();
    const record = eventRecorder({ writer, now: () => new Date(0) });
    assert.equal(await record(ev('FailedReleaseSync', 'boom')), 'created');
    assert.equal(await record(ev('FailedReleaseSync', 'boom')), 'updated');
    assert.equal(await record(ev('FailedReleaseSync', 'other')), 'created');
    assert.deepEqual(calls, ['create FailedReleaseSync: boom', 'update ev-1 count=2', 'create FailedReleaseSync: other']);
  });
  it('drops Events of an object past the burst, and records others', async () => {
    const { writer } = fakeWriter();
    const results: string[] = [];
    const record = eventRecorder({ writer, now: () => new Date(0), burst: 3 });
    for (let i = 0; i < 5; i++) results.push(await record(ev('Reason', `m${i}`)));
    results.push(await record({ ...ev('Reason', 'x'), object: { ...hr, name: 'db', uid: 'u2' } }));
    assert.deepEqual(results, ['created', 'created', 'created', 'dropped', 'dropped', 'created']);
  });
  it('combines many messages of one reason into one counted Event', async () => {
    const { writer, calls } = fakeWriter();
    const record = eventRecorder({ writer, now: () => new Date(0), maxSimilar: 2 });
    await record(ev('R', 'a'));
    await record(ev('R', 'b'));
    await record(ev('R', 'c'));
    await record(ev('R', 'a'));
    assert.deepEqual(calls, [
      'create R: a', 'create R: (combined from similar events): b',
      'update ev-2 count=2 (combined from similar events): c', 'update ev-2 count=3 (combined from similar events): a',
    ]);
  });
  it('reports a failed write and does not throw', async () => {
    const { writer } = fakeWriter(true);
    const seen: string[] = [];
    const record = eventRecorder({ writer, onResult: (r, err) => seen.push(`${r} ${err?.message ?? ''}`) });
    assert.equal(await record(ev('R', 'a')), 'error');
    assert.deepEqual(seen, ['error forbidden']);
  });
});
