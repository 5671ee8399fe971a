import type { KubernetesObject } from '@kubernetes/client-node';
import { type HelmRelease, releaseNameOf, targetNamespaceOf } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import type { SecurityConfig } from '../../security-config.ts';
import { objectDiff, objectName } from './compare-objects.ts';
import { historyOf } from './release-history.ts';
import type { ReleaseKube } from './release-kube.ts';
import { decodeStoredRelease } from '../../kube/helm-storage.ts';
import { objectsOf, renderRelease } from './render-release.ts';

const key = (o: KubernetesObject) => objectName(o).replace(/^\S+ /, `${o.apiVersion?.split('/')[0]} `);

// The objects of the deployed revision (Helm's stored manifest), which an upgrade deletes when the new render
// no longer has them.
async function deployedObjects(kube: ReleaseKube, hr: HelmRelease): Promise<KubernetesObject[]> {
  const namespace = targetNamespaceOf(hr);
  const secrets = await kube.storage(namespace, releaseNameOf(hr));
  const deployed = historyOf(secrets).find((e) => e.status === 'deployed');
  const secret = secrets.find((s) => deployed && s.name.endsWith(`.v${deployed.revision}`));
  if (!secret) return [];
  const manifest = decodeStoredRelease(secret.release, secret.name).manifest;
  return typeof manifest === 'string' ? objectsOf(manifest, namespace) : [];
}

// What an upgrade of `hr` with the current inputs would change, as unified diffs from the live objects to what a
// server-side apply dry run makes of each rendered one (and to nothing for objects the upgrade would delete);
// '' when nothing would change.
export async function diffRelease(kube: ReleaseKube, hr: HelmRelease, o: { helm: string; security: SecurityConfig }): Promise<string> {
  const rendered = await renderRelease(hr, { kube: kube.client, helm: o.helm, security: o.security, signal: AbortSignal.timeout(300_000) });
  const diffs: string[] = [];
  for (const obj of rendered.objects) {
    const live = await kube.live(obj);
    diffs.push(objectDiff(live, await kube.dryRunApply(obj), rendered.secrets));
  }
  const kept = new Set(rendered.objects.map(key));
  for (const old of await deployedObjects(kube, hr)) {
    if (kept.has(key(old))) continue;
    diffs.push(objectDiff(await kube.live(old), undefined, rendered.secrets));
  }
  return diffs.join('');
}
