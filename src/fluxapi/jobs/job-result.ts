import type { WorkloadResult } from '../../image/automation/operations.ts';

// fluxd's update.Spec as it comes back in a job's result: the request as sent.
export interface FluxSpec { type: string; cause: { Message: string; User: string }; spec: unknown }

// fluxd's update.WorkloadResult: what happened to one workload, with each container's change.
export interface FluxWorkloadResult {
  Status: WorkloadResult['status'];
  Error?: string;
  PerContainer: Array<{ Container: string; Current: string; Target: string }> | null;
}

// fluxd's job.Result: the pushed commit (none for a dry run or when nothing changed), the spec and the
// per-workload results (keyed by `ns:kind/name`).
export interface FluxJobResult { revision?: string; spec?: FluxSpec; result?: Record<string, FluxWorkloadResult> }

// fluxd's job.Status, what `GET /v6/jobs?id=` answers.
export const JobStatusString = { queued: 'queued', running: 'running', failed: 'failed', succeeded: 'succeeded' } as const;
export type JobStatusString = (typeof JobStatusString)[keyof typeof JobStatusString];
export interface FluxJobStatus { Result: FluxJobResult; Err: string; StatusString: JobStatusString }

// The results of one operation in fluxd's shape.
export function fluxResults(results: readonly WorkloadResult[]): Record<string, FluxWorkloadResult> {
  return Object.fromEntries(results.map((r) => [r.workload, {
    Status: r.status, ...(r.reason ? { Error: r.reason } : {}),
    PerContainer: r.containers?.length ? r.containers.map((c) => ({ Container: c.container, Current: c.current, Target: c.target })) : null,
  }]));
}

// Merges the results of one operation run on several sources: a workload's result is the first from a source that
// has it; `not found in repository` only when no source has it.
export function mergeResults(perSource: ReadonlyArray<readonly WorkloadResult[]>): WorkloadResult[] {
  const merged = new Map<string, WorkloadResult>();
  for (const results of perSource) {
    for (const r of results) {
      const known = merged.get(r.workload);
      if (!known || (known.reason === 'not found in repository' && r.reason !== 'not found in repository')) merged.set(r.workload, r);
    }
  }
  return [...merged.values()];
}

// A BullMQ job state as fluxd's status string: waiting, delayed or prioritized jobs are queued.
export function statusOfState(state: string): JobStatusString {
  switch (state) {
    case 'active':
      return JobStatusString.running;
    case 'completed':
      return JobStatusString.succeeded;
    case 'failed':
      return JobStatusString.failed;
    default:
      return JobStatusString.queued;
  }
}
