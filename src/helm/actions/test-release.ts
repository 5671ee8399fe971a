import { Phase } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { describe, recordEvent, type ReleaseContext } from '../release-context.ts';
import { enterPhase } from './attempt.ts';

// Runs `helm test` (spec.test) and records Testing → Tested | TestFailed; true when the tests passed.
export async function testRelease(ctx: ReleaseContext): Promise<boolean> {
  await enterPhase(ctx, Phase.Testing, `Running tests for ${describe(ctx)}.`);
  try {
    await ctx.deps.helm.test({ release: ctx.releaseName, namespace: ctx.targetNamespace, timeoutSec: ctx.hr.spec.test?.timeout ?? 300, signal: ctx.signal, secrets: ctx.secrets });
  } catch (err) {
    await enterPhase(ctx, Phase.TestFailed, `Tests failed for ${describe(ctx)}: ${(err as Error).message}`);
    await recordEvent(ctx, 'Warning', 'TestFailed', `tests of release '${ctx.releaseName}' failed: ${(err as Error).message}`);
    return false;
  }
  await enterPhase(ctx, Phase.Tested, `Tests succeeded for ${describe(ctx)}.`);
  return true;
}
