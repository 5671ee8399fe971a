import type { ReleaseContext } from '../release-context.ts';
import { asError, type StepOutcome } from './outcome.ts';

// `helm test` with spec.test.timeout (default 300 s).
export async function testRelease(ctx: ReleaseContext): Promise<StepOutcome> {
  try {
    await ctx.deps.helm.test({ release: ctx.releaseName, namespace: ctx.targetNamespace, timeoutSec: ctx.hr.spec.test?.timeout ?? 300, signal: ctx.signal, secrets: ctx.secrets });
    return { action: 'test' };
  } catch (err) {
    return { action: 'test', error: asError(err) };
  }
}
