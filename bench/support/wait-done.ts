import * as k8s from '@kubernetes/client-node';
import type { HelmRelease } from '../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';

// Waits until `done` holds for n HelmReleases of `namespace`, by watching them (a poll would load the API server
// and this process in the middle of the run it measures); a watch that ends is listed and watched again. Gives up
// `timeoutMs` after `since`.
export async function waitDone(kc: k8s.KubeConfig, namespace: string, n: number, done: (hr: HelmRelease) => boolean,
  since = performance.now(), timeoutMs = 1_800_000): Promise<void> {
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const finished = new Set<string>();
  const see = (hr: HelmRelease) => {
    const name = hr.metadata.name ?? '';
    if (done(hr)) finished.add(name);
    else finished.delete(name);
  };
  while (finished.size < n) {
    if (performance.now() - since > timeoutMs) throw new Error(`only ${finished.size} of ${n} releases done after ${timeoutMs / 60_000} min`);
    const list = (await custom.listNamespacedCustomObject({ group: 'helm.fluxcd.io', version: 'v1', plural: 'helmreleases', namespace })) as
      { items: HelmRelease[]; metadata: { resourceVersion: string } };
    for (const hr of list.items) see(hr);
    if (finished.size >= n) return;
    await new Promise<void>((resolve) => {
      let request: { abort(): void } | undefined;
      const end = () => { request?.abort(); resolve(); };
      const timer = setTimeout(end, Math.max(1_000, timeoutMs - (performance.now() - since)));
      void new k8s.Watch(kc).watch(`/apis/helm.fluxcd.io/v1/namespaces/${namespace}/helmreleases`,
        { resourceVersion: list.metadata.resourceVersion, allowWatchBookmarks: true },
        (type, obj: HelmRelease) => {
          if (type === 'ADDED' || type === 'MODIFIED') see(obj);
          if (finished.size >= n) { clearTimeout(timer); end(); }
        },
        () => { clearTimeout(timer); resolve(); }).then((r) => { request = r; }, () => { clearTimeout(timer); resolve(); });
    });
  }
}
