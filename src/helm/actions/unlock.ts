import { describe, recordEvent, type ReleaseContext } from '../release-context.ts';
import { rollback } from './rollback.ts';
import { uninstall } from './uninstall.ts';

// Recovers a release left pending-* (or uninstalling) by a worker that died mid-action: we hold the release's
// lease, so nobody else is acting on it. With a good revision to go back to it rolls back; a pending-install
// (nothing good yet) is uninstalled so the next step installs afresh.
export async function unlock(ctx: ReleaseContext): Promise<void> {
  const latest = ctx.history[0];
  ctx.deps.log.info({ revision: latest?.version, helmStatus: latest?.status }, 'unlocking release');
  await recordEvent(ctx, 'Warning', 'Unlock', `${describe(ctx)} was left ${latest?.status ?? 'pending'}; recovering`);
  if (latest?.status === 'uninstalling' || !(await rollback(ctx))) await uninstall(ctx);
}
