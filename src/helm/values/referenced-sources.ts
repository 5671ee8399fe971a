import type { HelmRelease } from '../../api/helmrelease.ts';

// `ConfigMap/<ns>/<name>` and `Secret/<ns>/<name>` keys of the objects a HelmRelease reads values (or chart
// credentials) from, so a change to one of them can enqueue the releases that use it.
export function referencedSources(hr: HelmRelease): Set<string> {
  const ns = hr.metadata.namespace;
  const out = new Set<string>();
  for (const s of hr.spec.valueFileSecrets ?? []) out.add(`Secret/${ns}/${s.name}`);
  for (const v of hr.spec.valuesFrom ?? []) {
    if (v.configMapKeyRef) out.add(`ConfigMap/${v.configMapKeyRef.namespace ?? ns}/${v.configMapKeyRef.name}`);
    if (v.secretKeyRef) out.add(`Secret/${v.secretKeyRef.namespace ?? ns}/${v.secretKeyRef.name}`);
  }
  if (hr.spec.chart.chartPullSecret) out.add(`Secret/${ns}/${hr.spec.chart.chartPullSecret.name}`);
  if (hr.spec.chart.secretRef) out.add(`Secret/${hr.spec.chart.secretRef.namespace ?? ns}/${hr.spec.chart.secretRef.name}`);
  return out;
}
