import { NoticeKind } from './notice.ts';

// The Ready condition of a HelmRelease as it was read before the reconcile that records an Event.
export type ReadyBefore = 'True' | 'False' | 'Unknown' | undefined;

// Which notice, if any, an Event on a HelmRelease makes, given Ready before the reconcile: a failure when the
// release was not already failing (so a retry that fails again says nothing), a recovery when it was failing,
// a rollback always. Other Events (starting an action, a test that passed, an unchanged release) notify no one.
export function releaseNotice(reason: string, readyBefore: ReadyBefore): NoticeKind | undefined {
  switch (reason) {
    case 'FailedReleaseSync':
    case 'RollbackFailed':
      return readyBefore === 'False' ? undefined : NoticeKind.ReleaseFailed;
    case 'ReleaseSynced':
    case 'Adopted':
      return readyBefore === 'False' ? NoticeKind.ReleaseRecovered : undefined;
    case 'RolledBack':
      return NoticeKind.ReleaseRolledBack;
    default:
      return undefined;
  }
}

// Whether a sync of one Git source is failing: a cycle that could not read Git or list the cluster, or a sync that
// left objects unapplied or files unloaded. Undefined: nothing known yet (no sync finished).
export type SyncHealth = 'ok' | 'failing' | undefined;

// The notice a sync outcome makes, given the health before it: only a change notifies; the first outcome after
// start notifies only when it fails.
export function syncNotice(before: SyncHealth, now: 'ok' | 'failing'): NoticeKind | undefined {
  if (now === 'failing') return before === 'failing' ? undefined : NoticeKind.SyncFailed;
  return before === 'failing' ? NoticeKind.SyncRecovered : undefined;
}
