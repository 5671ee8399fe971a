import * as k8s from '@kubernetes/client-node';
import type { EventRecord, EventWriter } from './event-recorder.ts';

const MERGE = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

// core/v1 Events through the API server, reported by `component` (capstan): what `kubectl describe` and
// `kubectl get events` show. Needs events create and patch in the object's namespace.
export function kubeEventWriter(kc: k8s.KubeConfig, component = 'capstan'): EventWriter {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  return {
    async create(e: EventRecord, at: Date) {
      const o = e.object;
      const made = await core.createNamespacedEvent({
        namespace: o.namespace,
        body: {
          metadata: { generateName: `${o.name}.` },
          involvedObject: { apiVersion: o.apiVersion, kind: o.kind, name: o.name, namespace: o.namespace, ...(o.uid ? { uid: o.uid } : {}) },
          type: e.type, reason: e.reason, message: e.message,
          firstTimestamp: at, lastTimestamp: at, count: 1,
          source: { component }, reportingComponent: component, reportingInstance: component,
        },
      });
      return made.metadata?.name ?? '';
    },
    async update(namespace, name, { count, message }, at) {
      await core.patchNamespacedEvent({ namespace, name, body: { count, message, lastTimestamp: at.toISOString() } }, MERGE);
    },
  };
}
