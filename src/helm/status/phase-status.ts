import { ConditionType as C, Phase, type Condition, type HelmReleaseStatus } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { findCondition, removeCondition, setCondition } from '../../kube/conditions.ts';

type Set = Omit<Condition, 'lastUpdateTime' | 'lastTransitionTime'>;

// The conditions each phase sets, exactly as the Helm Operator set them (reason = phase name).
function conditionsFor(phase: Phase, message: string, ignoreTestFailures: boolean): Set[] {
  const on = (type: Condition['type'], status: Condition['status']): Set => ({ type, status, reason: phase, message });
  switch (phase) {
    case Phase.Installing: case Phase.Upgrading: return [on(C.Deployed, 'Unknown')];
    case Phase.Deployed: return [on(C.Deployed, 'True')];
    case Phase.DeployFailed: return [on(C.Deployed, 'False'), on(C.Released, 'False')];
    case Phase.Succeeded: return [on(C.Released, 'True')];
    case Phase.Failed: return [on(C.Released, 'False')];
    case Phase.Testing: return [on(C.Tested, 'Unknown')];
    case Phase.Tested: return [on(C.Tested, 'True')];
    case Phase.TestFailed: return ignoreTestFailures ? [on(C.Tested, 'False')] : [on(C.Tested, 'False'), on(C.Released, 'False')];
    case Phase.RollingBack: return [on(C.RolledBack, 'Unknown')];
    case Phase.RolledBack: return [on(C.RolledBack, 'True')];
    case Phase.RollbackFailed: return [on(C.RolledBack, 'False')];
    case Phase.ChartFetched: return [on(C.ChartFetched, 'True')];
    case Phase.ChartFetchFailed: return [on(C.ChartFetched, 'False'), on(C.Released, 'False')];
  }
}

// Phases after which more of the same action follows (Deployed/Tested lead to Succeeded): Ready is Unknown.
const IN_PROGRESS: readonly Phase[] = [Phase.Installing, Phase.Upgrading, Phase.Deployed, Phase.Testing, Phase.Tested, Phase.RollingBack];

// What a release is waiting for, this reconcile (a dependency, a repository that did not answer).
export interface Waiting { reason: string; message: string }

// Ready, derived in this one place from the other conditions and the phase: False naming what it waits for while
// it waits, Unknown while an action runs, False when stalled or not released, True when Released.
export function summarize(conditions: readonly Condition[], phase: Phase | undefined, now: Date, waiting?: Waiting): Condition[] {
  const stalled = findCondition(conditions, C.Stalled);
  const released = findCondition(conditions, C.Released);
  let ready: Set;
  if (waiting) ready = { type: C.Ready, status: 'False', reason: waiting.reason, message: waiting.message };
  else if (phase && IN_PROGRESS.includes(phase)) ready = { type: C.Ready, status: 'Unknown', reason: 'Progressing', message: phase };
  else if (stalled?.status === 'True') ready = { type: C.Ready, status: 'False', reason: stalled.reason ?? 'Stalled', message: stalled.message ?? '' };
  else if (released?.status === 'True') ready = { type: C.Ready, status: 'True', reason: released.reason ?? Phase.Succeeded, message: released.message ?? '' };
  else ready = { type: C.Ready, status: 'False', reason: released?.reason ?? 'NotReleased', message: released?.message ?? 'release not yet done' };
  return setCondition(conditions, ready, now);
}

// The status after entering `phase`: conditions per the Helm Operator, rollbackCount counted on RolledBack and
// reset with the RolledBack condition on Succeeded, Stalled cleared when work starts again, Ready derived.
export function statusForPhase(status: HelmReleaseStatus, phase: Phase, message: string, opts: { ignoreTestFailures?: boolean; now: Date }): HelmReleaseStatus {
  let conditions = status.conditions ?? [];
  for (const c of conditionsFor(phase, message, opts.ignoreTestFailures ?? false)) conditions = setCondition(conditions, c, opts.now);
  let rollbackCount = status.rollbackCount ?? 0;
  if (phase === Phase.RolledBack) rollbackCount += 1;
  if (phase === Phase.Succeeded) {
    conditions = removeCondition(conditions, C.RolledBack);
    rollbackCount = 0;
  }
  if (IN_PROGRESS.includes(phase) || phase === Phase.Succeeded) conditions = removeCondition(conditions, C.Stalled);
  return { ...status, phase, rollbackCount, conditions: summarize(conditions, phase, opts.now) };
}

// The status of a release that needs a person: Stalled=True naming the cause, Ready False.
export function statusForStall(status: HelmReleaseStatus, reason: string, message: string, now: Date): HelmReleaseStatus {
  const conditions = setCondition(status.conditions ?? [], { type: C.Stalled, status: 'True', reason, message }, now);
  return { ...status, conditions: summarize(conditions, status.phase, now) };
}

// The status of a release waiting for something that passes by itself (a dependency, a repository that did
// not answer): summarized with what it waits for, so Ready is False naming it; the job is retried after the wait.
export function statusForWait(status: HelmReleaseStatus, reason: string, message: string, now: Date): HelmReleaseStatus {
  return { ...status, conditions: summarize(status.conditions ?? [], status.phase, now, { reason, message }) };
}
