import * as k8s from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION, type HelmRelease, type HelmReleaseSpec } from '../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { eventually } from './cluster.ts';

const MERGE = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

// HelmRelease operations for tests in one namespace, as a user would do them with kubectl.
export function helmReleases(kc: k8s.KubeConfig, namespace: string) {
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const ref = { group: GROUP, version: VERSION, plural: PLURAL, namespace };
  const get = async (name: string) => (await custom.getNamespacedCustomObject({ ...ref, name })) as HelmRelease;
  return {
    get,
    create: async (name: string, spec: HelmReleaseSpec) =>
      (await custom.createNamespacedCustomObject({ ...ref, body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'HelmRelease', metadata: { name }, spec } })) as HelmRelease,
    patchSpec: async (name: string, spec: Partial<HelmReleaseSpec>) =>
      (await custom.patchNamespacedCustomObject({ ...ref, name, body: { spec } }, MERGE)) as HelmRelease,
    delete: async (name: string) => void (await custom.deleteNamespacedCustomObject({ ...ref, name })),
    // Waits until the release's current generation is reconciled and its condition `type` has `status`.
    waitFor: async (name: string, type: string, status: string, timeoutMs = 90_000) => {
      let last: HelmRelease | undefined;
      try {
        return await eventually(`HelmRelease ${namespace}/${name} ${type}=${status}`, async () => {
          const hr = await get(name);
          last = hr;
          const c = hr.status?.conditions?.find((x) => x.type === type);
          return hr.status?.observedGeneration === hr.metadata.generation && c?.status === status ? hr : undefined;
        }, timeoutMs);
      } catch (err) {
        throw new Error(`${(err as Error).message}; last seen generation ${last?.metadata.generation}, status ${JSON.stringify(last?.status)}`);
      }
    },
    gone: async (name: string, timeoutMs = 60_000) =>
      eventually(`HelmRelease ${namespace}/${name} to be deleted`, async () => {
        try {
          await get(name);
          return undefined;
        } catch (err) {
          return (err as { code?: number }).code === 404 || undefined;
        }
      }, timeoutMs),
  };
}

// Helm's own record of a release (the storage Secrets), newest first.
export async function helmHistory(kc: k8s.KubeConfig, namespace: string, release: string): Promise<Array<{ version: number; status: string }>> {
  const list = await kc.makeApiClient(k8s.CoreV1Api).listNamespacedSecret({ namespace, labelSelector: `owner=helm,name=${release}` });
  return list.items.map((s) => ({ version: Number(s.metadata?.labels?.version), status: s.metadata?.labels?.status ?? '' })).sort((a, b) => b.version - a.version);
}
