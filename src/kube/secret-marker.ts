import * as k8s from '@kubernetes/client-node';
import type { SyncMarker } from '../sync/sync-marker.ts';

// fluxd's annotation for the sync high-water mark in `--sync-state secret` mode.
export const SYNC_HWM_ANNOTATION = 'flux.weave.works/sync-hwm';

// The sync marker as an annotation on a Secret (--k8s-secret-name), for repositories Capstan may not write to.
// `key` tells sources apart when a daemon syncs several (the default source keeps fluxd's plain annotation).
export function secretMarker(kc: k8s.KubeConfig, ref: { namespace: string; name: string }, key = ''): SyncMarker {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const annotation = key ? `${SYNC_HWM_ANNOTATION}.${key}` : SYNC_HWM_ANNOTATION;
  return {
    async read() {
      const secret = await core.readNamespacedSecret(ref);
      return secret.metadata?.annotations?.[annotation];
    },
    async write(_dir, sha) {
      await core.patchNamespacedSecret({ ...ref, body: { metadata: { annotations: { [annotation]: sha } } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    },
  };
}
