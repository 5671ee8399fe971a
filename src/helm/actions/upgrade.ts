import { Phase } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { describe, type ReleaseContext } from '../release-context.ts';
import { assertOwnership } from './antecedent.ts';
import { installOptions } from './install-options.ts';
import { beginAttempt, enterPhase, failAttempt, type Outcome } from './attempt.ts';
import { rollback } from './rollback.ts';
import { succeed } from './succeed.ts';
import { testRelease } from './test-release.ts';

// `helm upgrade`: Upgrading → Deployed → (tests) → Succeeded. On failure it rolls back when spec.rollback.enable
// (a failed test rolls back unless ignoreFailures); every failure counts against the inputs' retry budget.
export async function upgrade(ctx: ReleaseContext): Promise<Outcome> {
  const spec = ctx.hr.spec;
  await assertOwnership(ctx);
  await beginAttempt(ctx, Phase.Upgrading);
  try {
    await ctx.deps.helm.upgrade({ ...installOptions(ctx), force: spec.forceUpgrade, resetValues: spec.resetValues, maxHistory: spec.maxHistory });
  } catch (err) {
    await enterPhase(ctx, Phase.DeployFailed, `Upgrade failed for ${describe(ctx)}: ${(err as Error).message}`);
    if (spec.rollback?.enable) await rollback(ctx);
    return failAttempt(ctx, err, 'upgrade');
  }
  await enterPhase(ctx, Phase.Deployed, `Upgrade succeeded for ${describe(ctx)}.`);
  if (spec.test?.enable && !(await testRelease(ctx)) && spec.test.ignoreFailures !== true) {
    await rollback(ctx);
    return failAttempt(ctx, new Error('tests failed'), 'test');
  }
  return succeed(ctx);
}
