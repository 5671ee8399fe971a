import { ANTECEDENT_ANNOTATION } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../errors/stalling-error.ts';
import { manifestObjects } from '../manifest-objects.ts';
import type { ReleaseContext } from '../release-context.ts';

// `<namespace>:helmrelease/<name>`: the value of helm.fluxcd.io/antecedent, as the Helm Operator wrote it.
export function antecedentOf(ctx: ReleaseContext): string {
  return `${ctx.hr.metadata.namespace}:helmrelease/${ctx.hr.metadata.name}`;
}

async function releaseObjects(ctx: ReleaseContext) {
  const manifest = await ctx.deps.helm.manifest({ release: ctx.releaseName, namespace: ctx.targetNamespace, signal: ctx.signal });
  return manifestObjects(manifest, ctx.targetNamespace);
}

// Refuses to act on a release whose objects another HelmRelease owns (checked on every object, not only the
// first as the Helm Operator did); objects without the annotation are taken over.
export async function assertOwnership(ctx: ReleaseContext): Promise<void> {
  const mine = antecedentOf(ctx);
  for (const ref of await releaseObjects(ctx)) {
    const owner = (await ctx.deps.kube.annotations(ref))?.[ANTECEDENT_ANNOTATION];
    if (owner && owner !== mine) {
      throw new StallingError('ReleaseOwnedElsewhere', `release '${ctx.releaseName}' appears to be managed by '${owner}' (${ref.kind}/${ref.name})`, { field: 'spec.releaseName' });
    }
  }
}

// Writes helm.fluxcd.io/antecedent on every object of the release; a failure is only a warning.
export async function annotateObjects(ctx: ReleaseContext): Promise<void> {
  try {
    const mine = antecedentOf(ctx);
    for (const ref of await releaseObjects(ctx)) await ctx.deps.kube.annotate(ref, ANTECEDENT_ANNOTATION, mine);
  } catch (err) {
    ctx.deps.log.warn({ err: (err as Error).message }, 'cannot annotate release objects');
  }
}
