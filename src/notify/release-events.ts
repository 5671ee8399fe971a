import type { HelmRelease } from '../apis/helm.fluxcd.io/v1/helmrelease.ts';
import type { KubeClient } from '../kube/client.ts';
import type { EventRecord } from '../kube/events/event-recorder.ts';
import type { Notice } from './notice.ts';
import { releaseNotice, type ReadyBefore } from './transitions.ts';

// The observers of a release's Events: the rate-limited recorder and, when a sink is configured, the notifier.
export interface ReleaseEventPorts {
  record: (event: EventRecord) => Promise<unknown>;
  notify?: ((notice: Notice) => void) | undefined;
  now?: () => Date;
}

// Ready as the HelmRelease was read at the start of the reconcile (the status writer keeps its changes apart).
function readyOf(hr: HelmRelease): ReadyBefore {
  return hr.status?.conditions?.find((c) => c.type === 'Ready')?.status as ReadyBefore;
}

// The worker's KubeClient with Events going through the recorder, and the notices they make (transitions.ts).
export function withReleaseEvents(kube: KubeClient, ports: ReleaseEventPorts): KubeClient {
  const now = ports.now ?? (() => new Date());
  return {
    ...kube,
    async event(hr, type, reason, message) {
      const { namespace, name, uid } = hr.metadata;
      await ports.record({ object: { apiVersion: hr.apiVersion, kind: hr.kind, namespace, name, uid }, type, reason, message });
      const kind = ports.notify && releaseNotice(reason, readyOf(hr));
      if (kind) ports.notify?.({ kind, object: { kind: 'HelmRelease', namespace, name }, reason, message, at: now().toISOString() });
    },
  };
}
