// What the API server serves, found by discovery: every kind that can be listed and deleted, for listing by label.
import { mapLimit } from '../map-limit.ts';
import { asRecord } from '../records.ts';

// One kind the API server serves, with list and delete, at the group version discovery found it in.
export interface ServedResource {
  apiVersion: string;
  kind: string;
  // The resource name in URLs (`configmaps`).
  plural: string;
  namespaced: boolean;
}

// A GET of one API path, answering its JSON body.
export type GetJson = (path: string, query?: Readonly<Record<string, string>>) => Promise<unknown>;

// Told of a part of the API left out because it failed to answer (a group version, or one kind's list).
export type OnSkipped = (path: string, err: unknown) => void;

// Every listable, deletable kind served: core v1 and every version of every group, a kind served in several
// versions taken once (from the preferred version). Subresources are left out. A group version whose discovery
// fails (an aggregated API that is down) is skipped and told to onSkipped; a failure of `/api/v1` or `/apis`
// rejects, as then the API server itself is not answering.
export async function discoverListable(get: GetJson, onSkipped?: OnSkipped): Promise<ServedResource[]> {
  const [core, groups] = await Promise.all([get('/api/v1'), get('/apis')]);
  const perGroup = await mapLimit(groupVersions(groups), 8, async (versions) => {
    const found = new Map<string, ServedResource>();
    for (const gv of versions) {
      let list: unknown;
      try {
        list = await get(`/apis/${gv}`);
      } catch (err) {
        onSkipped?.(`/apis/${gv}`, err);
        continue;
      }
      for (const r of listable(list, gv)) if (!found.has(r.plural)) found.set(r.plural, r);
    }
    return [...found.values()];
  });
  return [...listable(core, 'v1'), ...perGroup.flat()];
}

// Discovery kept for `ttlMs`, so that listing by label each sync costs no request per group version; `drop()`
// forgets it (after a CRD is Established, say). A failed discovery is not kept.
export function cachedDiscovery(load: () => Promise<ServedResource[]>, ttlMs: number): { get(): Promise<ServedResource[]>; drop(): void } {
  let entry: { at: number; value: Promise<ServedResource[]> } | undefined;
  return {
    get() {
      if (entry && Date.now() - entry.at < ttlMs) return entry.value;
      const value = load();
      const current = { at: Date.now(), value };
      entry = current;
      value.catch(() => {
        if (entry === current) entry = undefined;
      });
      return value;
    },
    drop() {
      entry = undefined;
    },
  };
}


// The group versions of each group in an APIGroupList, the preferred one first.
function groupVersions(doc: unknown): string[][] {
  const groups = asRecord(doc)?.groups;
  if (!Array.isArray(groups)) return [];
  return groups.map((g) => {
    const group = asRecord(g);
    const preferred = asRecord(group?.preferredVersion)?.groupVersion;
    const all = (Array.isArray(group?.versions) ? group.versions : [])
      .map((v) => asRecord(v)?.groupVersion)
      .filter((gv): gv is string => typeof gv === 'string');
    return typeof preferred === 'string' ? [preferred, ...all.filter((gv) => gv !== preferred)] : all;
  });
}

// The kinds of an APIResourceList that can be listed and deleted, subresources (`pods/log`) left out.
function listable(doc: unknown, apiVersion: string): ServedResource[] {
  const resources = asRecord(doc)?.resources;
  if (!Array.isArray(resources)) return [];
  return resources.flatMap((item): ServedResource[] => {
    const r = asRecord(item);
    const verbs = Array.isArray(r?.verbs) ? r.verbs : [];
    if (typeof r?.name !== 'string' || typeof r.kind !== 'string' || r.name.includes('/')) return [];
    if (!verbs.includes('list') || !verbs.includes('delete')) return [];
    return [{ apiVersion, kind: r.kind, plural: r.name, namespaced: r.namespaced === true }];
  });
}
