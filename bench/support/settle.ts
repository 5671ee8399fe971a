import * as k8s from '@kubernetes/client-node';
import type { HelmRelease } from '../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { mapLimit } from '../../src/map-limit.ts';

// Between two timed runs the control plane must be quiet: the controllers finish what the last run started
// (ReplicaSets and pods of its Deployments) and its namespace is deleted before the next run starts, or that
// work lands in the next run's time. An operator stopped before its namespace is deleted leaves its HelmReleases'
// finalizers behind: they are removed first (nothing is uninstalled; the namespace takes the releases with it).
export async function dropAndSettle(kc: k8s.KubeConfig, namespace: string, timeoutMs = 600_000): Promise<void> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const ref = { group: 'helm.fluxcd.io', version: 'v1', plural: 'helmreleases', namespace };
  const { items } = (await retry429(() => custom.listNamespacedCustomObject(ref))) as { items: HelmRelease[] };
  await mapLimit(items.filter((hr) => (hr.metadata.finalizers ?? []).length > 0), 8, (hr) => custom.patchNamespacedCustomObject(
    { ...ref, name: hr.metadata.name ?? '', body: [{ op: 'remove', path: '/metadata/finalizers' }] },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch)));
  await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      await core.readNamespace({ name: namespace });
    } catch {
      return; // gone
    }
    if (performance.now() > deadline) throw new Error(`namespace ${namespace} still there after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// A call retried while the API server answers 429 (a CRD's storage still initialising on a fresh cluster), up to 30 s.
async function retry429<T>(call: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await call();
    } catch (err) {
      if ((err as { code?: number }).code !== 429 || i >= 60) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
