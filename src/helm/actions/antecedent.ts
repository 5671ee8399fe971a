import { ANTECEDENT_ANNOTATION } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../errors/stalling-error.ts';
import { manifestObjects } from '../manifest-objects.ts';
import type { ReleaseContext } from '../release-context.ts';

// `<namespace>:helmrelease/<name>`: the value of helm.fluxcd.io/antecedent, as the Helm Operator wrote it.
export function antecedentOf(ctx: ReleaseContext): string {
  return `${ctx.hr.metadata.namespace}:helmrelease/${ctx.hr.metadata.name}`;
}

// Refuses to upgrade a release whose objects another HelmRelease owns (checked on every object, not only the
// first as the Helm Operator did); objects without the annotation are taken over. Its one `helm get manifest` is
// the only one of an upgrade.
export async function assertOwnership(ctx: ReleaseContext): Promise<void> {
  const manifest = await ctx.deps.helm.manifest({ release: ctx.releaseName, namespace: ctx.targetNamespace, signal: ctx.signal });
  const mine = antecedentOf(ctx);
  for (const ref of manifestObjects(manifest, ctx.targetNamespace)) {
    const owner = (await ctx.deps.kube.annotations(ref))?.[ANTECEDENT_ANNOTATION];
    if (owner && owner !== mine) {
      throw new StallingError('ReleaseOwnedElsewhere', `release '${ctx.releaseName}' appears to be managed by '${owner}' (${ref.kind}/${ref.name})`, { field: 'spec.releaseName' });
    }
  }
}

// Writes helm.fluxcd.io/antecedent on every object of the manifest helm reported for the release it just made; a
// failure (or no manifest reported) is only a warning.
export async function annotateObjects(ctx: ReleaseContext, manifest: string | undefined): Promise<void> {
  if (manifest === undefined) {
    ctx.deps.log.warn('helm reported no manifest; release objects not annotated');
    return;
  }
  try {
    const mine = antecedentOf(ctx);
    for (const ref of manifestObjects(manifest, ctx.targetNamespace)) await ctx.deps.kube.annotate(ref, ANTECEDENT_ANNOTATION, mine);
  } catch (err) {
    ctx.deps.log.warn({ err: (err as Error).message }, 'cannot annotate release objects');
  }
}
