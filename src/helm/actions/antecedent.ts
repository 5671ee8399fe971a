import { ANTECEDENT_ANNOTATION } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../errors/stalling-error.ts';
import { mapLimit } from '../../map-limit.ts';
import { manifestObjects } from '../manifest-objects.ts';
import type { ReleaseContext } from '../release-context.ts';

// `<namespace>:helmrelease/<name>`: the value of helm.fluxcd.io/antecedent, as the Helm Operator wrote it.
export function antecedentOf(ctx: ReleaseContext): string {
  return `${ctx.hr.metadata.namespace}:helmrelease/${ctx.hr.metadata.name}`;
}

// How many objects of a release are read or annotated at once.
const PARALLEL = 8;

// Refuses to upgrade a release whose objects another HelmRelease owns (checked on every object, not only the
// first as the Helm Operator did); objects without the annotation are taken over. The manifest is the newest
// revision's, as `helm get manifest` prints it, read from Helm's storage Secret (no helm process); the objects'
// annotations are read a few at once.
export async function assertOwnership(ctx: ReleaseContext): Promise<void> {
  const newest = ctx.history[0];
  const manifest = newest ? await ctx.deps.kube.releaseManifest(ctx.targetNamespace, ctx.releaseName, newest.version) : undefined;
  if (manifest === undefined) return; // nothing deployed to own: an upgrade of nothing fails in helm itself
  const mine = antecedentOf(ctx);
  const refs = manifestObjects(manifest, ctx.targetNamespace);
  const owners = await mapLimit(refs, PARALLEL, async (ref) => (await ctx.deps.kube.annotations(ref))?.[ANTECEDENT_ANNOTATION]);
  owners.forEach((owner, i) => {
    const ref = refs[i];
    if (owner && owner !== mine && ref) {
      throw new StallingError('ReleaseOwnedElsewhere', `release '${ctx.releaseName}' appears to be managed by '${owner}' (${ref.kind}/${ref.name})`, { field: 'spec.releaseName' });
    }
  });
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
    await mapLimit(manifestObjects(manifest, ctx.targetNamespace), PARALLEL, (ref) => ctx.deps.kube.annotate(ref, ANTECEDENT_ANNOTATION, mine));
  } catch (err) {
    ctx.deps.log.warn({ err: (err as Error).message }, 'cannot annotate release objects');
  }
}
