// Live objects as Git sync's garbage collection sees them: listed by label, or read one at a time.
import type { LiveRef } from '../sync/cluster.ts';
import { metadataStrings, resourceId } from '../manifests/manifest.ts';
import { asRecord } from '../records.ts';
import type { GetJson, ServedResource } from './discovery.ts';
import { collectionPath } from './resource-lookup.ts';

// Every object of one served kind carrying `label`, page by page, each with its uid: in all namespaces, or at `path`
// (the kind's collection in one namespace).
export async function listKind(get: GetJson, r: ServedResource, label: string, path = collectionPath(r)): Promise<Array<{ uid: string; ref: LiveRef }>> {
  const out: Array<{ uid: string; ref: LiveRef }> = [];
  let token = '';
  do {
    const page = asRecord(await get(path, { labelSelector: label, limit: '500', ...(token && { continue: token }) }));
    for (const item of Array.isArray(page?.items) ? page.items : []) {
      const found = liveRef(asRecord(item) ?? {}, r);
      if (found) out.push(found);
    }
    const next = asRecord(page?.metadata)?.continue;
    token = typeof next === 'string' ? next : '';
  } while (token);
  return out;
}

// An object of resource `r` as garbage collection sees it (fluxd id, labels, annotations) with its uid, or
// undefined when it has no name.
export function liveRef(item: Record<string, unknown>, r: ServedResource): { uid: string; ref: LiveRef } | undefined {
  const meta = asRecord(item.metadata);
  const name = meta?.name;
  if (typeof name !== 'string') return undefined;
  const namespace = r.namespaced && typeof meta?.namespace === 'string' ? meta.namespace : undefined;
  const id = resourceId({ namespace, kind: r.kind, name });
  const ref: LiveRef = {
    id, kind: r.kind, apiVersion: r.apiVersion, name, ...(namespace && { namespace }),
    labels: metadataStrings(item, 'labels'), annotations: metadataStrings(item, 'annotations'),
  };
  return { uid: typeof meta?.uid === 'string' ? meta.uid : id, ref };
}
