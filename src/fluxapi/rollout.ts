// A live workload's rollout and status summary, computed as fluxd did (flux pkg/cluster/kubernetes/resourcekinds.go).
import { asRecord } from '../records.ts';
import type { RolloutStatus } from './flux-types.ts';

// fluxd's status words: `started` until the controller has seen the latest spec, then `updating` until every
// replica runs it, `ready`, or `error` when the Deployment reports a failure condition.
export const WorkloadStatus = { unknown: 'unknown', error: 'error', ready: 'ready', updating: 'updating', started: 'started' } as const;

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

// The rollout and status of one live object of a workload kind. A HelmRelease's status is its
// `status.releaseStatus` (as fluxd showed it); a CronJob is `ready` with no replicas to count.
export function rolloutOf(live: Record<string, unknown>): { status: string; rollout: RolloutStatus } {
  const kind = typeof live.kind === 'string' ? live.kind : '';
  const spec = asRecord(live.spec) ?? {};
  const st = asRecord(live.status) ?? {};
  const observed = num(st.observedGeneration) >= num(asRecord(live.metadata)?.generation);
  const empty: RolloutStatus = { Desired: 0, Updated: 0, Ready: 0, Available: 0, Outdated: 0, Messages: null };
  switch (kind) {
    case 'Deployment': {
      const messages = (Array.isArray(st.conditions) ? st.conditions : []).map((c) => asRecord(c) ?? {})
        .filter((c) => (c.type === 'Progressing' && c.status === 'False') || (c.type === 'ReplicaFailure' && c.status === 'True'))
        .map((c) => String(c.message ?? ''));
      const rollout: RolloutStatus = {
        Desired: spec.replicas === undefined ? 1 : num(spec.replicas), Updated: num(st.updatedReplicas), Ready: num(st.readyReplicas),
        Available: num(st.availableReplicas), Outdated: num(st.replicas) - num(st.updatedReplicas), Messages: messages.length ? messages : null,
      };
      return { status: replicaStatus(observed, rollout, messages.length > 0), rollout };
    }
    case 'DaemonSet': {
      const rollout: RolloutStatus = {
        Desired: num(st.desiredNumberScheduled), Updated: num(st.updatedNumberScheduled), Ready: num(st.numberReady),
        Available: num(st.numberAvailable), Outdated: num(st.currentNumberScheduled) - num(st.updatedNumberScheduled), Messages: null,
      };
      return { status: replicaStatus(observed, rollout, false), rollout };
    }
    case 'StatefulSet': {
      const desired = spec.replicas === undefined ? 1 : num(spec.replicas);
      const partition = num(asRecord(asRecord(spec.updateStrategy)?.rollingUpdate)?.partition);
      const wanted = Math.max(desired - partition, 0);
      const rolling = st.currentRevision !== st.updateRevision;
      const updated = rolling ? num(st.updatedReplicas) : num(st.currentReplicas);
      const rollout: RolloutStatus = {
        Desired: wanted, Updated: updated, Ready: num(st.readyReplicas), Available: num(st.readyReplicas),
        Outdated: num(st.replicas) - updated, Messages: null,
      };
      return { status: replicaStatus(observed, rollout, false), rollout };
    }
    case 'CronJob':
      return { status: WorkloadStatus.ready, rollout: empty };
    case 'HelmRelease':
      return { status: typeof st.releaseStatus === 'string' ? st.releaseStatus : '', rollout: empty };
    default:
      return { status: WorkloadStatus.unknown, rollout: empty };
  }
}

function replicaStatus(observed: boolean, r: RolloutStatus, failing: boolean): string {
  if (!observed) return WorkloadStatus.started;
  if (failing) return WorkloadStatus.error;
  return r.Updated === r.Desired && r.Available === r.Desired && r.Outdated === 0 ? WorkloadStatus.ready : WorkloadStatus.updating;
}
