import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventRecord } from '../../src/kube/events/event-recorder.ts';
import type { Notice } from '../../src/notify/notice.ts';
import { namespaceSyncEvent, syncedNamespaces, syncObserver } from '../../src/notify/sync-events.ts';
import type { SyncRecord } from '../../src/sync/sync-source.ts';

const record = (over: Partial<SyncRecord> = {}): SyncRecord => ({
  revision: '0123456789abcdef0123', applied: ['a:deployment/web', '<cluster>:namespace/a'], unchanged: ['b:configmap/c'], ignored: [], outOfScope: [],
  failed: [], loadErrors: [], deleted: [], gcDryRun: [], complete: true, durationMs: 5, ...over,
});

describe('syncedNamespaces', () => {
  it('lists the namespaces of applied, unchanged and failed objects, not cluster scope', () => {
    assert.deepEqual(syncedNamespaces(record({ failed: [{ id: 'c:secret/s', message: 'x' }] })), ['a', 'b', 'c']);
  });
});

describe('namespaceSyncEvent', () => {
  it('Synced with counts when all applied', () => {
    assert.deepEqual(namespaceSyncEvent('default', record(), 'a'), { type: 'Normal', reason: 'Synced', message: 'revision 0123456789ab of source default: 1 applied, 0 unchanged' });
  });
  it('SyncFailed names the objects not applied, never the API message', () => {
    const e = namespaceSyncEvent('default', record({ failed: [{ id: 'a:secret/s', message: 'invalid value "hunter2"' }] }), 'a');
    assert.equal(e.type, 'Warning');
    assert.equal(e.reason, 'SyncFailed');
    assert.match(e.message, /1 not applied \(a:secret\/s\)/);
    assert.doesNotMatch(e.message, /hunter2/);
  });
});

describe('syncObserver', () => {
  it('notifies a failure once, then the recovery; records Events on each namespace', async () => {
    const events: EventRecord[] = [];
    const notices: Notice[] = [];
    const o = syncObserver('default', { record: async (e) => events.push(e), notify: (n) => notices.push(n) });
    await o.onRecord(record());
    o.onFailure('cannot fetch');
    await o.onRecord(record({ failed: [{ id: 'a:deployment/web', message: 'x' }], complete: false }));
    await o.onRecord(record());
    assert.deepEqual(notices.map((n) => n.kind), ['sync-failed', 'sync-recovered']);
    assert.deepEqual(events.map((e) => `${e.object.kind}/${e.object.name} ${e.reason}`), [
      'Namespace/a Synced', 'Namespace/b Synced', 'Namespace/a SyncFailed', 'Namespace/b Synced', 'Namespace/a Synced', 'Namespace/b Synced',
    ]);
  });
});
