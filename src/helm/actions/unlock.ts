import { unlockedDescription } from '../release-history.ts';
import type { ReleaseContext } from '../release-context.ts';
import type { StepOutcome } from './outcome.ts';

// Releases the lock a worker that died mid-action left (we hold the release's lease, so nobody else is acting on
// it): a pending-* revision is marked failed in Helm's storage, as Flux's unlock does. What follows (a rollback
// to the last good revision, or an uninstall) is next-action's to decide. A revision left `uninstalling` is left
// as it is: the uninstall that follows finishes it.
export async function unlock(ctx: ReleaseContext): Promise<StepOutcome> {
  const latest = ctx.history[0];
  if (!latest) return { action: 'unlock', revision: 0, left: 'absent' };
  if (latest.status.startsWith('pending-')) {
    await ctx.deps.kube.markHelmRevisionFailed(ctx.targetNamespace, ctx.releaseName, latest.version, unlockedDescription(latest.status));
  }
  return { action: 'unlock', revision: latest.version, left: latest.status };
}
