import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { ReleaseJob } from '../helm/queue/release-job.ts';
import type { HelmRunner } from '../helm/runner.ts';
import { timedRunner } from '../helm/timed-runner.ts';
import type { Metrics } from '../http/metrics.ts';
import type { KubeClient } from '../kube/client.ts';
import { observerParts } from './observer-parts.ts';
import { withReleaseEvents } from './release-events.ts';

// Reconcile outcomes that are not failures, for the success label of flux_helm_operator_release_duration_seconds.
const SUCCEEDED: ReadonlySet<string> = new Set(['released', 'unchanged', 'adopted', 'deleted', 'gone', 'suspended']);

// Whether a reconcile outcome (or the worker's 'error', 'stalled', 'stalled-error') is a success.
export function releaseSucceeded(outcome: string): boolean {
  return SUCCEEDED.has(outcome);
}

// What the worker role observes of its releases: Events through the rate-limited recorder, notices to the
// configured sinks (never blocking a reconcile), helm action durations and queue waits as metrics.
export function releaseObservers({ config, log, metrics }: { config: Config; log: Logger; metrics: Metrics }) {
  const { record, notifier } = observerParts({ config, log, metrics });
  return {
    kube: (kube: KubeClient): KubeClient => withReleaseEvents(kube, { record, notify: notifier?.notify }),
    helm: (helm: HelmRunner): HelmRunner => timedRunner(helm, (action, success, seconds) => metrics.releaseActionDuration.observe({ action, success: String(success) }, seconds)),
    // the wait of a job's first attempt: from when it became due (enqueued plus its debounce delay) to now
    onActive: (job: Job<ReleaseJob>) => {
      if (job.attemptsMade > 0) return;
      metrics.queueWait.observe(Math.max(0, Date.now() - job.timestamp - (job.opts.delay ?? 0)) / 1000);
    },
    stop: async () => { await notifier?.stop(); },
  };
}
