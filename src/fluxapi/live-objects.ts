// Reading whole live objects (spec and status) of chosen kinds, by label, for the fluxd API's answers.
import type { KubeConfig } from '@kubernetes/client-node';
import { requestJson } from '../kube/api-request.ts';
import { statusCode } from '../kube/real-client.ts';
import { mapLimit } from '../map-limit.ts';
import { asRecord } from '../records.ts';

// A kind to list and where it is served.
export interface ListedKind { apiVersion: string; kind: string; plural: string; namespaced: boolean }

// The kinds fluxd listed as workloads: those that run images (and whose images automation can change).
export const WORKLOAD_KINDS: readonly ListedKind[] = [
  { apiVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments', namespaced: true },
  { apiVersion: 'apps/v1', kind: 'StatefulSet', plural: 'statefulsets', namespaced: true },
  { apiVersion: 'apps/v1', kind: 'DaemonSet', plural: 'daemonsets', namespaced: true },
  { apiVersion: 'batch/v1', kind: 'CronJob', plural: 'cronjobs', namespaced: true },
  { apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', plural: 'helmreleases', namespaced: true },
];

// Lists live objects, each with apiVersion and kind set. `namespaces` empty means every namespace (cluster-scoped
// kinds are listed once, whatever the namespaces). A kind the API server does not serve (404: a CRD not installed)
// lists nothing, as does one Capstan may not list (403) when `skipForbidden`; any other refusal rejects.
export interface LiveObjects {
  list(kinds: readonly ListedKind[], opts: { label: string; namespaces: readonly string[]; skipForbidden?: boolean }): Promise<Array<Record<string, unknown>>>;
}

const PAGE = '500';

// LiveObjects on the API server, paged, four lists at a time.
export function realLiveObjects(kc: KubeConfig): LiveObjects {
  const listOne = async (k: ListedKind, namespace: string | undefined, label: string, skipForbidden: boolean): Promise<Array<Record<string, unknown>>> => {
    const base = k.apiVersion.includes('/') ? `/apis/${k.apiVersion}` : `/api/${k.apiVersion}`;
    const path = `${base}${namespace && k.namespaced ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${k.plural}`;
    const out: Array<Record<string, unknown>> = [];
    let token = '';
    do {
      let page: Record<string, unknown> | undefined;
      try {
        page = asRecord(await requestJson(kc, { method: 'GET', path, query: { labelSelector: label, limit: PAGE, ...(token && { continue: token }) } }));
      } catch (err) {
        if (statusCode(err) === 404 || (skipForbidden && statusCode(err) === 403)) return [];
        throw err;
      }
      for (const item of Array.isArray(page?.items) ? page.items : []) {
        const obj = asRecord(item);
        if (obj) out.push({ ...obj, apiVersion: k.apiVersion, kind: k.kind });
      }
      const next = asRecord(page?.metadata)?.continue;
      token = typeof next === 'string' ? next : '';
    } while (token);
    return out;
  };
  return {
    async list(kinds, { label, namespaces, skipForbidden = false }) {
      type Job = { k: ListedKind; ns: string | undefined };
      const jobs = kinds.flatMap((k): Job[] => (k.namespaced && namespaces.length ? namespaces.map((ns) => ({ k, ns })) : [{ k, ns: undefined }]));
      return (await mapLimit(jobs, 4, ({ k, ns }) => listOne(k, ns, label, skipForbidden))).flat();
    },
  };
}
