import { Phase } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { describe, recordEvent, type ReleaseContext } from '../release-context.ts';
import { enterPhase } from './attempt.ts';
import { rollback } from './rollback.ts';
import { uninstall } from './uninstall.ts';

// Recovers a release left pending-* by a worker that died mid-action (we hold the release's lease, so nobody
// else is acting on it). The pending revision is marked failed in Helm's storage, as Flux's unlock does; then the
// release is rolled back to its last good revision, because an upgrade computes its patch from the last
// *deployed* manifest and would keep whatever the interrupted action half-applied. With nothing good to go
// back to (a pending-install), or when left `uninstalling`, it is uninstalled so the next step starts clean.
export async function unlock(ctx: ReleaseContext): Promise<void> {
  const latest = ctx.history[0];
  if (!latest) return;
  ctx.deps.log.info({ revision: latest.version, helmStatus: latest.status }, 'unlocking release');
  const why = `${describe(ctx)} revision ${latest.version} was left ${latest.status} by a worker that stopped; recovering`;
  await recordEvent(ctx, 'Warning', 'Unlock', why);
  // not Released until the recovery and the next action succeed, so Ready cannot read True in between
  await enterPhase(ctx, Phase.Failed, why);
  if (latest.status !== 'uninstalling') {
    await ctx.deps.kube.markHelmRevisionFailed(ctx.targetNamespace, ctx.releaseName, latest.version,
      `Release left ${latest.status} by a Capstan worker that stopped; marked failed by Capstan`);
    if (await rollback(ctx)) return;
  }
  await uninstall(ctx);
}
