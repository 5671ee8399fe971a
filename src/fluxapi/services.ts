// `GET /v6/services` and `/v11/services`: the workloads of the synced sources (fluxctl list-workloads, release --watch).
import type { Route } from '../http/http-server.ts';
import { GC_MARK_LABEL } from '../sync/checksum.ts';
import { controllerStatus } from './controller-status.ts';
import type { ControllerStatus } from './flux-types.ts';
import { fluxRoute } from './flux-route.ts';
import { type FluxSource, liveId, sourceOf, syncErrorOf } from './flux-source.ts';
import { userError } from './jobs/api-error.ts';
import { type LiveObjects, WORKLOAD_KINDS } from './live-objects.ts';

// What listing workloads needs: the sources, the cluster, and the namespaces Capstan may reach (empty: all).
export interface WorkloadsDeps {
  sources: readonly FluxSource[];
  live: LiveObjects;
  namespaces: readonly string[];
}

// Which workloads to list: those of one namespace ("" for all), or those with these ids.
export interface WorkloadFilter { namespace: string; ids: readonly string[] }

// The namespaces to list for a filter: the asked ones that Capstan may reach; [] (every namespace) only when
// nothing narrows it. Undefined when nothing asked may be reached.
function namespacesFor(deps: WorkloadsDeps, filter: WorkloadFilter): string[] | undefined {
  const asked = filter.ids.length ? [...new Set(filter.ids.map((id) => id.slice(0, id.indexOf(':'))))] : filter.namespace ? [filter.namespace] : [];
  if (!asked.length) return [...deps.namespaces];
  const reachable = deps.namespaces.length ? asked.filter((ns) => deps.namespaces.includes(ns)) : asked;
  return reachable.length ? reachable : undefined;
}

// Every live workload a source of this process synced, matching the filter, with its source; sorted by id.
export async function syncedWorkloads(deps: WorkloadsDeps, filter: WorkloadFilter): Promise<Array<{ live: Record<string, unknown>; source: FluxSource }>> {
  const namespaces = namespacesFor(deps, filter);
  if (!namespaces) return [];
  const objects = await deps.live.list(WORKLOAD_KINDS, { label: GC_MARK_LABEL, namespaces });
  const wanted = filter.ids.length ? new Set(filter.ids) : undefined;
  return objects.flatMap((live) => {
    const source = sourceOf(live, deps.sources);
    return source && (!wanted || wanted.has(liveId(live))) ? [{ live, source }] : [];
  }).sort((a, b) => (liveId(a.live) < liveId(b.live) ? -1 : 1));
}

// The ControllerStatus of every synced workload matching the filter.
export async function listServices(deps: WorkloadsDeps, filter: WorkloadFilter): Promise<ControllerStatus[]> {
  return (await syncedWorkloads(deps, filter)).flatMap(({ live, source }) => {
    const status = controllerStatus(live, { syncError: syncErrorOf(source, liveId(live)), readOnly: source.config.readonly });
    return status ? [status] : [];
  });
}

// The filter of a request: `namespace=` and (v11) `services=id1,id2`, not both (as fluxd refused).
export function workloadFilter(query: URLSearchParams, idsParam: string): WorkloadFilter {
  const namespace = query.get('namespace') ?? '';
  const ids = (query.get(idsParam) ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '' && s !== '<all>');
  if (namespace && ids.length) throw userError(idsParam, "cannot filter by 'namespace' and 'workloads' at the same time");
  for (const id of ids) if (!/^(<cluster>|[a-zA-Z0-9_-]+):[a-zA-Z0-9_-]+\/[a-zA-Z0-9_.:-]+$/.test(id)) throw userError(idsParam, `"${id}" is not a workload id (namespace:kind/name)`);
  return { namespace, ids };
}

// The routes fluxctl list-workloads (v6) and release --watch (v11) call.
export function servicesRoute(deps: WorkloadsDeps, onError?: (err: unknown) => void): Route {
  return fluxRoute('GET', ['/v6/services', '/v11/services'], async ({ query }) => listServices(deps, workloadFilter(query, 'services')), onError);
}
