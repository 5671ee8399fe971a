import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Metrics } from '../http/metrics.ts';
import { eventRecorder, type EventRecord } from '../kube/events/event-recorder.ts';
import { kubeEventWriter } from '../kube/events/kube-event-writer.ts';
import { loadKubeConfig } from '../kube/real-client.ts';
import { startNotifier, type Notifier } from './notifier.ts';
import { syncObserver } from './sync-events.ts';

interface Shared { record: (e: EventRecord) => Promise<unknown>; notifier: Notifier | undefined }

// One recorder and one notifier per daemon role, whatever the number of sources (keyed by the process's metrics).
const perRole = new WeakMap<Metrics, Shared>();

function shared({ config, log, metrics }: { config: Config; log: Logger; metrics: Metrics }): Shared {
  let s = perRole.get(metrics);
  if (s) return s;
  const record = eventRecorder({
    writer: kubeEventWriter(loadKubeConfig(config.kubeconfig)),
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
  s = { record, notifier };
  perRole.set(metrics, s);
  return s;
}

// The observer of one Git source's syncs: Events in the synced namespaces, notices when it fails or recovers.
export function sourceObserver(ctx: { config: Config; log: Logger; metrics: Metrics }, source: string): ReturnType<typeof syncObserver> {
  const s = shared(ctx);
  return syncObserver(source, { record: s.record, notify: s.notifier?.notify });
}

// Stops the daemon role's notifier (deliveries waiting are given up).
export async function stopSourceObservers(metrics: Metrics): Promise<void> {
  await perRole.get(metrics)?.notifier?.stop();
  perRole.delete(metrics);
}
