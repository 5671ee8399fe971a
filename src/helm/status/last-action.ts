import type { HelmReleaseStatus, LastAction } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';

// The status with `action` recorded as started at `now` (written before its helm call): what `capstan ctl get hr`
// and the releases page show as the last action while it runs.
export function actionStarted(status: HelmReleaseStatus, action: string, now: Date): HelmReleaseStatus {
  return { ...status, lastAction: { action, startedAt: now.toISOString() } };
}

// The status with the action recorded in `lastAction` finished at `now`, succeeded or not; unchanged when no
// action was started (nothing to finish).
export function actionFinished(status: HelmReleaseStatus, succeeded: boolean, now: Date): HelmReleaseStatus {
  const last: LastAction | undefined = status.lastAction;
  if (!last || last.finishedAt !== undefined) return status;
  return { ...status, lastAction: { ...last, finishedAt: now.toISOString(), succeeded } };
}

// How long the last action took (ms), or ran so far at `now` while it runs; undefined without one.
export function lastActionMs(last: LastAction | undefined, now: Date): number | undefined {
  if (!last) return undefined;
  const end = last.finishedAt ? Date.parse(last.finishedAt) : now.getTime();
  const ms = end - Date.parse(last.startedAt);
  return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
}
