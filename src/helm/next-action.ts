import { determineReleaseState, ReleaseStatus, type ReleaseState, type StateInput } from './release-state.ts';
import { rollbackTarget } from './release-history.ts';

// The actions a worker can take on a release; each one that acts lives in its own file under actions/.
export const Action = {
  Install: 'install',
  Upgrade: 'upgrade',
  Test: 'test',
  Rollback: 'rollback',
  Uninstall: 'uninstall',
  Unlock: 'unlock',
  Adopt: 'adopt', // a release taken over: compared with what is deployed (two reads, no change); adopted, or upgraded
  Stall: 'stall',
  None: 'none',
} as const;
export type Action = (typeof Action)[keyof typeof Action];

// The actions that run something (helm, or Helm's storage for unlock), as opposed to stall and none.
export type StepAction = Exclude<Action, typeof Action.Stall | typeof Action.None>;

// The action a sequence of steps began with: an attempt at the desired inputs, or the recovery of a lock.
export type Sequence = typeof Action.Install | typeof Action.Upgrade | typeof Action.Unlock;

// What the previous step of this reconcile did: its action, whether it succeeded (adopt: whether it adopted), and
// the sequence it is part of.
export interface PreviousStep { action: StepAction; ok: boolean; began: Sequence }

// The record of a step just taken: install, upgrade and unlock begin a sequence, the others continue the previous one.
export function stepTaken(action: StepAction, ok: boolean, previous: PreviousStep | undefined): PreviousStep {
  const began = action === Action.Install || action === Action.Upgrade || action === Action.Unlock ? action : (previous?.began ?? Action.Upgrade);
  return { action, ok, began };
}

// What this reconcile came to when nothing more is to run: the attempt released the inputs, it failed within the
// retry budget (the queue retries with backoff), there was nothing to do, or a release taken over was adopted as it is.
export const Verdict = { Released: 'released', Failed: 'failed', Unchanged: 'unchanged', Adopted: 'adopted' } as const;
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

// The next action and why; `verdict` comes with `none`.
export interface Decision { action: Action; reason: string; verdict?: Verdict }

// All the decision reads: Helm's history as this reconcile knows it, the status as it now stands (in memory), the
// spec, the desired digest, and the previous step of this reconcile (none at its start).
export interface DecisionInput extends StateInput { previous?: PreviousStep }

// The one switch from a release's state (at the start of a reconcile, or after a recovery) to the next action.
export function actionForState(state: ReleaseState): Action {
  switch (state.status) {
    case ReleaseStatus.Absent:
      return Action.Install;
    case ReleaseStatus.Locked:
      return Action.Unlock;
    case ReleaseStatus.Unrecorded:
      return Action.Adopt;
    case ReleaseStatus.OutOfSync:
    case ReleaseStatus.Drifted:
    case ReleaseStatus.Failed:
      return Action.Upgrade;
    case ReleaseStatus.RetriesExhausted:
      return Action.Stall;
    case ReleaseStatus.InSync:
      return Action.None;
  }
}

// Decides what runs next. Pure: all it needs is handed in, so every path is a row of a table test.
export function nextAction(input: DecisionInput): Decision {
  const p = input.previous;
  if (!p) return fromState(input);
  const { spec, history } = input;
  switch (p.action) {
    case Action.Adopt:
      return p.ok
        ? { action: Action.None, reason: 'taken over unchanged: the deployed release has the desired chart and values', verdict: Verdict.Adopted }
        : { action: Action.Upgrade, reason: 'taken over, but the deployed release differs from the desired one (or helm could not tell)' };
    case Action.Unlock:
      if (history[0]?.status === 'uninstalling') return { action: Action.Uninstall, reason: 'the release was left uninstalling: finish the uninstall' };
      return rollbackTarget(history)
        ? { action: Action.Rollback, reason: 'unlocked: roll back to the last good revision, since an upgrade patches from it' }
        : { action: Action.Uninstall, reason: 'unlocked with no good revision to go back to: uninstall to start clean' };
    case Action.Install:
    case Action.Upgrade:
      if (p.ok) return spec.test?.enable ? { action: Action.Test, reason: `the ${p.action} succeeded and spec.test.enable is set` } : concluded(input, false);
      if (p.action === Action.Upgrade && spec.rollback?.enable && rollbackTarget(history)) {
        return { action: Action.Rollback, reason: 'the upgrade failed and spec.rollback.enable is set' };
      }
      return concluded(input, true);
    case Action.Test:
      if (p.ok || spec.test?.ignoreFailures === true) return concluded(input, false);
      if (p.began === Action.Install) return { action: Action.Uninstall, reason: 'the tests of a fresh install failed: uninstall it' };
      return rollbackTarget(history) ? { action: Action.Rollback, reason: 'the tests of the upgrade failed: roll back' } : concluded(input, true);
    case Action.Rollback:
      if (p.began !== Action.Unlock) return concluded(input, true);
      // a failed rollback never becomes an uninstall: the release had a good revision, and its workloads still run
      return p.ok ? fromState(input) : { action: Action.None, reason: 'the rollback of an unlocked release failed; what runs is kept, tried again after a backoff', verdict: Verdict.Failed };
    case Action.Uninstall:
      if (!p.ok) return { action: Action.None, reason: 'the uninstall failed; tried again later', verdict: Verdict.Failed };
      return p.began === Action.Unlock ? fromState(input) : concluded(input, true);
  }
}

// The decision from the release's state alone: at the start of a reconcile, and once a lock is recovered.
function fromState(input: DecisionInput): Decision {
  const state = determineReleaseState(input);
  const action = actionForState(state);
  return action === Action.None ? { action, reason: state.reason, verdict: Verdict.Unchanged } : { action, reason: state.reason };
}

// An attempt (install or upgrade, its tests and their remediation) is over: done when it succeeded; when it failed,
// the state says whether the budget allows another attempt (a later job: never two in one reconcile) or it stalls.
function concluded(input: DecisionInput, failed: boolean): Decision {
  if (!failed) return { action: Action.None, reason: 'the attempt succeeded', verdict: Verdict.Released };
  const state = determineReleaseState(input);
  if (state.status === ReleaseStatus.RetriesExhausted) return { action: Action.Stall, reason: state.reason };
  return { action: Action.None, reason: `the attempt failed (${state.reason}); tried again after a backoff`, verdict: Verdict.Failed };
}
