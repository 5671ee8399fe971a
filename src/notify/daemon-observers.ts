import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Metrics } from '../http/metrics.ts';
import { type ObserverParts, observerParts } from './observer-parts.ts';
import { syncObserver } from './sync-events.ts';

// One recorder and one notifier per daemon role, whatever the number of sources (keyed by the process's metrics).
const perRole = new WeakMap<Metrics, ObserverParts>();

function shared({ config, log, metrics }: { config: Config; log: Logger; metrics: Metrics }): ObserverParts {
  let s = perRole.get(metrics);
  if (s) return s;
  s = observerParts({ config, log, metrics });
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
