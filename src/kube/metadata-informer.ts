import * as k8s from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { type WatchEvent, type Watched, watchResource } from './informer.ts';
import { identityOf, metadataOnly } from './metadata-only.ts';
import { ProjectedWatch } from './projected-watch.ts';

// A watch of one core resource (e.g. Secrets) that holds names and resource versions only: the list and the
// watch ask the API server for PartialObjectMetadata, so no `data` ever reaches this process. `list` receives a
// CoreV1Api on the metadata-only view; `onEvent` is told which object changed, as watchResource does. Each object
// keeps only its identity (identityOf); error events (410 Gone and the like) pass as they are, so the informer
// still relists when it must. `fieldSelector` narrows the watch; `list` must ask for the same.
export function watchMetadata(opts: {
  kc: k8s.KubeConfig;
  path: string;
  list: (core: k8s.CoreV1Api) => Promise<k8s.KubernetesListObject<k8s.KubernetesObject>>;
  onEvent: (event: WatchEvent, obj: k8s.KubernetesObject) => void;
  log: Logger;
  onRestart?: () => void;
  fieldSelector?: string;
}): Watched<k8s.KubernetesObject> {
  const view = metadataOnly(opts.kc);
  const core = view.makeApiClient(k8s.CoreV1Api);
  return watchResource<k8s.KubernetesObject>({
    kc: view, path: opts.path, log: opts.log, onEvent: opts.onEvent, watch: new ProjectedWatch(view, identityOf),
    ...(opts.onRestart ? { onRestart: opts.onRestart } : {}),
    ...(opts.fieldSelector ? { fieldSelector: opts.fieldSelector } : {}),
    list: async () => {
      const list = await opts.list(core);
      // an empty PartialObjectMetadataList has `items: null` (a nil Go slice)
      return { ...list, items: (list.items ?? []).map(identityOf) };
    },
  });
}
