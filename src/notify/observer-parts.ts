import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Metrics } from '../http/metrics.ts';
import { eventRecorder, type EventRecord } from '../kube/events/event-recorder.ts';
import { kubeEventWriter } from '../kube/events/kube-event-writer.ts';
import { loadKubeConfig } from '../kube/real-client.ts';
import { startNotifier, type Notifier } from './notifier.ts';

// What a role's observers report through: the rate-limited Event recorder and, when sinks are configured, the
// notifier; each counts its results in the role's metrics and logs what it could not do.
export interface ObserverParts { record: (e: EventRecord) => Promise<unknown>; notifier: Notifier | undefined }

// A recorder and a notifier for one role.
export function observerParts({ config, log, metrics }: { config: Config; log: Logger; metrics: Metrics }): ObserverParts {
  const record = eventRecorder({
    writer: kubeEventWriter(loadKubeConfig(config.kubeconfig, (verb, resource) => metrics.kubeRequests.inc({ verb, resource }))),
    onResult: (result, err) => {
      metrics.events.inc({ result });
      if (err) log.warn({ err: err.message }, 'cannot record event');
    },
  });
  const sinks = config.notify ?? [];
  const notifier = sinks.length > 0 ? startNotifier({
    sinks,
    onResult: (sink, result, detail) => {
      metrics.notifications.inc({ sink, result });
      if (result === 'failed' || result === 'dropped') log.warn({ sink, result, detail }, 'notification not delivered');
    },
  }) : undefined;
  return { record, notifier };
}
