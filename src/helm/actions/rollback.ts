import { newestWasUnlocked, rollbackTarget } from '../release-history.ts';
import type { ReleaseContext } from '../release-context.ts';
import { asError, type StepOutcome } from './outcome.ts';

// `helm rollback` to the last good revision (release-history.ts) with spec.rollback's options; with --force after an
// unlock (newestWasUnlocked says why).
export async function rollback(ctx: ReleaseContext): Promise<StepOutcome> {
  const target = rollbackTarget(ctx.history);
  if (!target) return { action: 'rollback', target: 0, error: new Error('no deployed or superseded revision to roll back to') };
  const r = ctx.hr.spec.rollback ?? {};
  try {
    await ctx.deps.helm.rollback({
      release: ctx.releaseName, namespace: ctx.targetNamespace, version: target.version, signal: ctx.signal, secrets: ctx.secrets,
      timeoutSec: r.timeout ?? 300, wait: r.wait, disableHooks: r.disableHooks, recreate: r.recreate, force: r.force === true || newestWasUnlocked(ctx.history),
    });
    return { action: 'rollback', target: target.version };
  } catch (err) {
    return { action: 'rollback', target: target.version, error: asError(err) };
  }
}
