import type { Queue } from 'bullmq';
import { releaseNameOf, targetNamespaceOf, type HelmRelease } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import type { Metrics } from '../metrics.ts';

const CONDITION_VALUE = { True: 1, Unknown: 0, False: -1 } as const;
const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'] as const;

// The Helm Operator's release_condition_info (1 True, 0 Unknown, -1 False per release and condition), by its
// labels target_namespace and release_name; rebuilt from the watched releases, so deleted ones disappear.
export function setConditionGauge(metrics: Pick<Metrics, 'releaseCondition'>, releases: readonly HelmRelease[]): void {
  metrics.releaseCondition.reset();
  for (const hr of releases) {
    for (const c of hr.status?.conditions ?? []) {
      metrics.releaseCondition.set({ target_namespace: targetNamespaceOf(hr), release_name: releaseNameOf(hr), condition: c.type }, CONDITION_VALUE[c.status] ?? 0);
    }
  }
}

// The queue gauges: waiting and delayed jobs (the Helm Operator's queue length) and jobs by BullMQ state.
export async function setQueueGauges(metrics: Pick<Metrics, 'queueLength' | 'jobsByState'>, queue: Queue): Promise<void> {
  const counts = await queue.getJobCounts(...STATES);
  for (const state of STATES) metrics.jobsByState.set({ state }, counts[state] ?? 0);
  metrics.queueLength.set((counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0));
}
