import type { ReleaseTarget } from '../release-context.ts';
import { asError, type StepOutcome } from './outcome.ts';

// `helm uninstall --wait` with spec.timeout: after failed tests of a fresh install, a lock with nothing to roll
// back to, or the HelmRelease's deletion.
export async function uninstall(ctx: ReleaseTarget): Promise<StepOutcome> {
  try {
    await ctx.deps.helm.uninstall({ release: ctx.releaseName, namespace: ctx.targetNamespace, timeoutSec: ctx.hr.spec.timeout ?? 300, signal: ctx.signal });
    return { action: 'uninstall' };
  } catch (err) {
    return { action: 'uninstall', error: asError(err) };
  }
}
