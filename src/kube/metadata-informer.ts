import * as k8s from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { type WatchEvent, type Watched, watchResource } from './informer.ts';
import { identityOf, metadataOnly } from './metadata-only.ts';

// client-node's Watch on a metadata-only view (metadata-only.ts), keeping only each object's identity; error
// events (410 Gone and the like) pass as they are, so the informer still relists when it must.
class MetadataWatch extends k8s.Watch {
  override watch(
    path: string, query: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, obj: k8s.KubernetesObject, raw?: unknown) => void, done: (err: unknown) => void,
  ): Promise<AbortController> {
    return super.watch(path, query, (phase, obj, raw) => callback(phase, phase === 'ERROR' ? obj : identityOf(obj), raw), done);
  }
}

// A watch of one core resource (e.g. Secrets) that holds names and resource versions only: the list and the
// watch ask the API server for PartialObjectMetadata, so no `data` ever reaches this process. `list` receives a
// CoreV1Api on the metadata-only view; `onEvent` is told which object changed, as watchResource does.
export function watchMetadata(opts: {
  kc: k8s.KubeConfig;
  path: string;
  list: (core: k8s.CoreV1Api) => Promise<k8s.KubernetesListObject<k8s.KubernetesObject>>;
  onEvent: (event: WatchEvent, obj: k8s.KubernetesObject) => void;
  log: Logger;
  onRestart?: () => void;
}): Watched<k8s.KubernetesObject> {
  const view = metadataOnly(opts.kc);
  const core = view.makeApiClient(k8s.CoreV1Api);
  return watchResource<k8s.KubernetesObject>({
    kc: view, path: opts.path, log: opts.log, onEvent: opts.onEvent, watch: new MetadataWatch(view),
    ...(opts.onRestart ? { onRestart: opts.onRestart } : {}),
    list: async () => {
      const list = await opts.list(core);
      // an empty PartialObjectMetadataList has `items: null` (a nil Go slice)
      return { ...list, items: (list.items ?? []).map(identityOf) };
    },
  });
}
