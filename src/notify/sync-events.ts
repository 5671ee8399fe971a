import type { EventRecord } from '../kube/events/event-recorder.ts';
import type { SyncRecord } from '../sync/sync-source.ts';
import type { Notice } from './notice.ts';
import { syncNotice, type SyncHealth } from './transitions.ts';

// The most namespaces one sync records Events in: a repository spread over more gets Events in the first ones.
const MAX_NAMESPACES = 20;

// The namespaces of the objects a sync dealt with (fluxd ids `<namespace>:<kind>/<name>`), cluster scope left out.
export function syncedNamespaces(record: Pick<SyncRecord, 'applied' | 'unchanged' | 'failed'>): string[] {
  const ids = [...record.applied, ...record.unchanged, ...record.failed.map((f) => f.id)];
  const namespaces = new Set(ids.map((id) => id.slice(0, id.indexOf(':'))).filter((ns) => ns && ns !== '<cluster>'));
  return [...namespaces].sort().slice(0, MAX_NAMESPACES);
}

// The Event a sync outcome leaves in one namespace: how many of its objects applied, and which did not (ids only:
// an API server's refusal may quote the object, so its text stays in the sync record, not in Events).
export function namespaceSyncEvent(source: string, record: SyncRecord, namespace: string): Omit<EventRecord, 'object'> {
  const mine = (id: string) => id.startsWith(`${namespace}:`);
  const failed = record.failed.filter((f) => mine(f.id)).map((f) => f.id);
  const applied = record.applied.filter(mine).length;
  const unchanged = record.unchanged.filter(mine).length;
  const at = `revision ${record.revision.slice(0, 12)} of source ${source}`;
  if (failed.length > 0) {
    const shown = failed.slice(0, 5).join(', ') + (failed.length > 5 ? `, and ${failed.length - 5} more` : '');
    return { type: 'Warning', reason: 'SyncFailed', message: `${at}: ${failed.length} not applied (${shown}); ${applied} applied, ${unchanged} unchanged` };
  }
  return { type: 'Normal', reason: 'Synced', message: `${at}: ${applied} applied, ${unchanged} unchanged` };
}

// Whether a finished sync counts as failing: objects not applied or files not loaded.
export function syncHealthOf(record: Pick<SyncRecord, 'failed' | 'loadErrors'>): 'ok' | 'failing' {
  return record.failed.length > 0 || record.loadErrors.length > 0 ? 'failing' : 'ok';
}

// One Git source's observer: Events in the namespaces each sync touched, and a notice when the source starts or
// stops failing (a cycle that cannot read Git fails too). `error` given to onFailure must already be redacted.
export function syncObserver(source: string, ports: { record: (e: EventRecord) => Promise<unknown>; notify?: ((n: Notice) => void) | undefined; now?: () => Date }) {
  const now = ports.now ?? (() => new Date());
  let health: SyncHealth;
  const transition = (next: 'ok' | 'failing', reason: string, message: string) => {
    const kind = syncNotice(health, next);
    health = next;
    if (kind) ports.notify?.({ kind, object: { kind: 'GitSource', name: source }, reason, message, at: now().toISOString() });
  };
  return {
    async onRecord(record: SyncRecord): Promise<void> {
      const events = syncedNamespaces(record).map((ns) => ({ ...namespaceSyncEvent(source, record, ns), object: { apiVersion: 'v1', kind: 'Namespace', namespace: ns, name: ns } }));
      const next = syncHealthOf(record);
      const failures = record.failed.length + record.loadErrors.length;
      transition(next, next === 'failing' ? 'SyncFailed' : 'Synced',
        next === 'failing' ? `revision ${record.revision.slice(0, 12)}: ${failures} objects or files not synced` : `revision ${record.revision.slice(0, 12)} synced`);
      for (const e of events) await ports.record(e);
    },
    onFailure(error: string): void {
      transition('failing', 'SyncFailed', `cannot sync: ${error}`.slice(0, 512));
    },
  };
}
