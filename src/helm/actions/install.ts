import type { ReleaseContext } from '../release-context.ts';
import { annotateObjects } from './antecedent.ts';
import { installOptions } from './install-options.ts';
import { asError, type StepOutcome } from './outcome.ts';

// `helm install` (with --replace over a history kept by `helm uninstall --keep-history`); the objects it made are
// annotated as this HelmRelease's from the manifest helm reports.
export async function install(ctx: ReleaseContext): Promise<StepOutcome> {
  try {
    const made = await ctx.deps.helm.install(installOptions(ctx));
    await annotateObjects(ctx, made.manifest);
    return { action: 'install', revision: made.version };
  } catch (err) {
    return { action: 'install', error: asError(err) };
  }
}
