import { Phase } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { describe, type ReleaseContext } from '../release-context.ts';
import { installOptions } from './install-options.ts';
import { beginAttempt, enterPhase, failAttempt, type Outcome } from './attempt.ts';
import { succeed } from './succeed.ts';
import { testRelease } from './test-release.ts';
import { uninstall } from './uninstall.ts';

// `helm install`: Installing → Deployed → (tests) → Succeeded. A failure is counted against the inputs and
// retried; a failed test (unless ignoreFailures) uninstalls the fresh release, as the Helm Operator did.
export async function install(ctx: ReleaseContext): Promise<Outcome> {
  const spec = ctx.hr.spec;
  await beginAttempt(ctx, Phase.Installing);
  try {
    await ctx.deps.helm.install(installOptions(ctx));
  } catch (err) {
    await enterPhase(ctx, Phase.DeployFailed, `Installation failed for ${describe(ctx)}: ${(err as Error).message}`);
    return failAttempt(ctx, err, 'installation');
  }
  await enterPhase(ctx, Phase.Deployed, `Installation succeeded for ${describe(ctx)}.`);
  if (spec.test?.enable && !(await testRelease(ctx)) && spec.test.ignoreFailures !== true) {
    await uninstall(ctx);
    return failAttempt(ctx, new Error('tests failed; release uninstalled'), 'test');
  }
  return succeed(ctx);
}
