import { canonicalJson } from '../../canonical-json.ts';
import { isRecord } from '../../records.ts';

// An object of a release manifest, by kind and name (namespace where it has one).
export interface ReleaseObjectRef { apiVersion: string; kind: string; name: string; namespace?: string }

// An object of the release that no longer is as its manifest says: deleted, or with fields of the manifest
// changed. `fields` are the paths that differ (for the log; never values, which may be a Secret's).
export interface DriftedObject { ref: ReleaseObjectRef; change: 'changed' | 'missing'; fields: string[] }

// Written by the API server or its controllers, not by a person: never drift. `managedFields` differs because the
// dry run applies as another field manager; `status` moves while the two reads are made.
const IGNORED = { metadata: ['managedFields', 'resourceVersion', 'generation'], top: ['status'] } as const;

// How deep field paths go before the whole subtree is named (a container list, say).
const MAX_DEPTH = 4;

// Compares one object of the manifest as it lives in the cluster with what a server-side apply of the manifest
// would make of it now (a dry run, so the API server defaults and normalises both alike): missing when there is no
// live object, changed when a field differs, undefined when the manifest is as it is in the cluster. Fields the
// manifest does not set are left as they are by an apply, so they are never drift. Pure.
export function objectDrift(ref: ReleaseObjectRef, live: unknown, applied: unknown): DriftedObject | undefined {
  // deleted between the read and the dry run: the dry run creates it anew, with another uid (or none)
  if (live === undefined || uidOf(live) !== uidOf(applied)) return { ref, change: 'missing', fields: [] };
  const fields: string[] = [];
  differingPaths(comparable(live), comparable(applied), '', 0, fields);
  return fields.length ? { ref, change: 'changed', fields } : undefined;
}

// `Deployment/web changed, ConfigMap/web missing`: the drifted objects by kind and name, at most `max` named.
export function driftSummary(drifted: readonly DriftedObject[], max = 5): string {
  const named = drifted.slice(0, max).map((d) => `${d.ref.kind}/${d.ref.name} ${d.change}`);
  const more = drifted.length - named.length;
  return more > 0 ? `${named.join(', ')} and ${more} more` : named.join(', ');
}

function uidOf(obj: unknown): unknown {
  return isRecord(obj) && isRecord(obj.metadata) ? obj.metadata.uid : undefined;
}

function comparable(obj: unknown): Record<string, unknown> {
  if (!isRecord(obj)) return {};
  const out: Record<string, unknown> = { ...obj };
  for (const key of IGNORED.top) delete out[key];
  if (isRecord(obj.metadata)) {
    const metadata: Record<string, unknown> = { ...obj.metadata };
    for (const key of IGNORED.metadata) delete metadata[key];
    out.metadata = metadata;
  }
  return out;
}

function differingPaths(a: unknown, b: unknown, path: string, depth: number, out: string[]): void {
  if (canonicalJson(a) === canonicalJson(b)) return;
  if (depth >= MAX_DEPTH || !isRecord(a) || !isRecord(b)) {
    out.push(path || '.');
    return;
  }
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    differingPaths(a[key], b[key], path ? `${path}.${key}` : key, depth + 1, out);
  }
}
