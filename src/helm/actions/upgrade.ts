import type { ReleaseContext } from '../release-context.ts';
import { annotateObjects } from './antecedent.ts';
import { installOptions } from './install-options.ts';
import { asError, type StepOutcome } from './outcome.ts';

// `helm upgrade` with the spec's force, reset/reuse-values and history limit; the objects it made are annotated as
// this HelmRelease's from the manifest helm reports. (That the release is ours is checked before: antecedent.ts.)
export async function upgrade(ctx: ReleaseContext): Promise<StepOutcome> {
  const spec = ctx.hr.spec;
  try {
    const made = await ctx.deps.helm.upgrade({
      ...installOptions(ctx), force: spec.forceUpgrade, resetValues: spec.resetValues, maxHistory: spec.maxHistory, description: ctx.upgradeDescription ?? installOptions(ctx).description,
    });
    await annotateObjects(ctx, made.manifest);
    return { action: 'upgrade', revision: made.version };
  } catch (err) {
    return { action: 'upgrade', error: asError(err) };
  }
}
