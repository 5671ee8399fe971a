// Where objects of a kind live in the API: the resource serving the kind, from discovery of its group version.
import { asRecord } from '../records.ts';
import type { GetJson, ServedResource } from './discovery.ts';
import { statusCode } from './real-client.ts';

// The resource serving `kind` in `apiVersion`, or undefined when the API server serves neither.
export type FindResource = (apiVersion: string, kind: string) => Promise<ServedResource | undefined>;

// A FindResource that keeps each group version's resource list for as long as it lives, and asks again only for a
// kind missing from the kept list (served since, by a new CRD), as client-node's KubernetesObjectApi does. A kind
// whose URL or scope changed (a CRD re-created) needs a new lookup. Lookups of one group version at once share one
// request; a failed one is not kept.
export function resourceLookup(get: GetJson): FindResource {
  const lists = new Map<string, Promise<unknown>>();
  const fetchList = (apiVersion: string): Promise<unknown> => {
    const list = get(apiVersionPath(apiVersion));
    lists.set(apiVersion, list);
    list.catch(() => {
      if (lists.get(apiVersion) === list) lists.delete(apiVersion);
    });
    return list;
  };
  return async (apiVersion, kind) => {
    try {
      const kept = lists.get(apiVersion);
      const found = kept ? resourceIn(await kept, apiVersion, kind) : undefined;
      return found ?? resourceIn(await fetchList(apiVersion), apiVersion, kind);
    } catch (err) {
      if (statusCode(err) === 404) return undefined; // the group version is not served
      throw err;
    }
  };
}

// `/api/v1` for the core group, `/apis/<group>/<version>` for the others.
export function apiVersionPath(apiVersion: string): string {
  return `${apiVersion.includes('/') ? '/apis' : '/api'}/${apiVersion}`;
}

// The collection URL of a resource across all namespaces (`/apis/apps/v1/deployments`).
export function collectionPath(r: ServedResource): string {
  return `${apiVersionPath(r.apiVersion)}/${r.plural}`;
}

// The URL of one object; the namespace is used only for a namespaced resource.
export function objectPath(r: ServedResource, name: string, namespace: string | undefined): string {
  const scope = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${apiVersionPath(r.apiVersion)}${scope}/${r.plural}/${encodeURIComponent(name)}`;
}

// The resource of `kind` in an APIResourceList, subresources (`deployments/status`, also kind Deployment) left out.
function resourceIn(list: unknown, apiVersion: string, kind: string): ServedResource | undefined {
  const resources = asRecord(list)?.resources;
  for (const item of Array.isArray(resources) ? resources : []) {
    const r = asRecord(item);
    if (r?.kind === kind && typeof r.name === 'string' && !r.name.includes('/')) {
      return { apiVersion, kind, plural: r.name, namespaced: r.namespaced === true };
    }
  }
  return undefined;
}
