import { ReleaseStatus, type ReleaseState } from './release-state.ts';

// The actions a worker can take on a release; each lives in its own file under actions/.
export const Action = {
  Install: 'install',
  Upgrade: 'upgrade',
  Unlock: 'unlock',
  Stall: 'stall',
  None: 'none',
} as const;
export type Action = (typeof Action)[keyof typeof Action];

// The one switch from a release's state to the next action.
export function actionForState(state: ReleaseState): Action {
  switch (state.status) {
    case ReleaseStatus.Absent:
      return Action.Install;
    case ReleaseStatus.Locked:
      return Action.Unlock;
    case ReleaseStatus.OutOfSync:
    case ReleaseStatus.Failed:
      return Action.Upgrade;
    case ReleaseStatus.RetriesExhausted:
      return Action.Stall;
    case ReleaseStatus.InSync:
      return Action.None;
  }
}
