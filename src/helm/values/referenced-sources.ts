import type { HelmRelease } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import type { SecurityConfig } from '../../security-config.ts';

// `ConfigMap/<ns>/<name>` and `Secret/<ns>/<name>` keys of the objects a HelmRelease reads values (or chart
// credentials) from, so a change to one of them can enqueue the releases that use it. Without
// --allow-cross-namespace-refs only the HelmRelease's own namespace counts: the worker refuses the others, and a
// change in another namespace must not be observable through this release's runs.
export function referencedSources(hr: HelmRelease, security: Pick<SecurityConfig, 'allowCrossNamespaceRefs'>): Set<string> {
  const ns = hr.metadata.namespace;
  const out = new Set<string>();
  const add = (kind: 'ConfigMap' | 'Secret', namespace: string | undefined, name: string): void => {
    const where = namespace || ns;
    if (where === ns || security.allowCrossNamespaceRefs) out.add(`${kind}/${where}/${name}`);
  };
  for (const s of hr.spec.valueFileSecrets ?? []) add('Secret', ns, s.name);
  for (const v of hr.spec.valuesFrom ?? []) {
    if (v.configMapKeyRef) add('ConfigMap', v.configMapKeyRef.namespace, v.configMapKeyRef.name);
    if (v.secretKeyRef) add('Secret', v.secretKeyRef.namespace, v.secretKeyRef.name);
  }
  if (hr.spec.chart.chartPullSecret) add('Secret', ns, hr.spec.chart.chartPullSecret.name);
  if (hr.spec.chart.secretRef) add('Secret', hr.spec.chart.secretRef.namespace, hr.spec.chart.secretRef.name);
  return out;
}
