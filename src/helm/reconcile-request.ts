import type { HelmRelease, HelmReleaseStatus } from '../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { EnqueueReason } from './queue/release-job.ts';

// The annotation that asks for a reconcile now (`capstan ctl reconcile hr`, or by hand), as Flux's: any new value
// enqueues the release at once; the worker records the value it handled in status.lastHandledReconcileAt.
export const REQUESTED_AT_ANNOTATION = 'reconcile.fluxcd.io/requestedAt';

// The request a HelmRelease carries, if any.
export function requestedAt(hr: Pick<HelmRelease, 'metadata'>): string | undefined {
  return hr.metadata.annotations?.[REQUESTED_AT_ANNOTATION];
}

// The status recording that the request `hr` was read with has been handled (whatever the outcome).
export function statusHandled(status: HelmReleaseStatus, hr: Pick<HelmRelease, 'metadata'>): HelmReleaseStatus {
  const request = requestedAt(hr);
  return request === undefined || status.lastHandledReconcileAt === request ? status : { ...status, lastHandledReconcileAt: request };
}

// What the operator remembers of a HelmRelease to tell a change worth a job from a status update.
export interface SeenRelease { generation: number; deleting: boolean; requestedAt: string | undefined }

// The facts of `hr` the operator compares.
export function seenRelease(hr: HelmRelease): SeenRelease {
  return { generation: hr.metadata.generation ?? 0, deleting: hr.metadata.deletionTimestamp !== undefined, requestedAt: requestedAt(hr) };
}

// Why an update of a known HelmRelease is enqueued: its generation or deletion moved (deleted or spec changed, as
// before), or a new reconcile request; undefined for a status-only update.
export function changeReason(before: SeenRelease, now: SeenRelease): EnqueueReason | undefined {
  if (now.generation !== before.generation || now.deleting !== before.deleting) return now.deleting ? EnqueueReason.Deleted : EnqueueReason.SpecChanged;
  if (now.requestedAt !== undefined && now.requestedAt !== before.requestedAt) return EnqueueReason.Requested;
  return undefined;
}
