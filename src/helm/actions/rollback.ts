import { Phase } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import type { HelmRevision } from '../release-state.ts';
import { describe, recordEvent, type ReleaseContext } from '../release-context.ts';
import { enterPhase } from './attempt.ts';

// The newest revision a rollback can go back to: deployed or superseded, older than the newest one.
export function rollbackTarget(history: readonly HelmRevision[]): HelmRevision | undefined {
  const [latest, ...older] = history;
  return latest ? older.find((r) => r.status === 'deployed' || r.status === 'superseded') : undefined;
}

// Rolls the release back to its last good revision with spec.rollback's options; true when it rolled back.
export async function rollback(ctx: ReleaseContext): Promise<boolean> {
  const history = await ctx.deps.kube.helmHistory(ctx.targetNamespace, ctx.releaseName);
  const target = rollbackTarget(history);
  if (!target) return false;
  const r = ctx.hr.spec.rollback ?? {};
  await enterPhase(ctx, Phase.RollingBack, `Rolling back ${describe(ctx)} to revision ${target.version}.`);
  try {
    await ctx.deps.helm.rollback({
      release: ctx.releaseName, namespace: ctx.targetNamespace, version: target.version, signal: ctx.signal, secrets: ctx.secrets,
      timeoutSec: r.timeout ?? 300, wait: r.wait, disableHooks: r.disableHooks, recreate: r.recreate, force: r.force,
    });
  } catch (err) {
    await enterPhase(ctx, Phase.RollbackFailed, `Rollback failed for ${describe(ctx)}: ${(err as Error).message}`);
    await recordEvent(ctx, 'Warning', 'RollbackFailed', `rollback of '${ctx.releaseName}' failed: ${(err as Error).message}`);
    return false;
  }
  await enterPhase(ctx, Phase.RolledBack, `Rolled back ${describe(ctx)} to revision ${target.version}.`);
  await recordEvent(ctx, 'Normal', 'RolledBack', `release '${ctx.releaseName}' rolled back to revision ${target.version}`);
  return true;
}
