import { type HelmRelease, releaseNameOf } from '../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../errors/stalling-error.ts';
import type { SecurityConfig } from '../security-config.ts';
import { namespaceNameProblem, objectNameProblem, releaseNameProblem } from './check-names.ts';

// The reasons of the refusals below, as the Stalled condition shows them.
export const RefusalReason = {
  CrossNamespace: 'CrossNamespaceReference',
  InvalidName: 'InvalidName',
} as const;
export type RefusalReason = (typeof RefusalReason)[keyof typeof RefusalReason];

// A name the spec gives, and the field that gives it.
export interface NamedField { field: string; value: unknown }

const FLAG = '--allow-cross-namespace-refs';
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
// An absent or empty namespace means the HelmRelease's own, as it did for the Helm Operator.
const isSet = (value: unknown): boolean => value !== undefined && value !== null && value !== '';

// Every object reference of the spec that is read with the worker's rights: valueFileSecrets, valuesFrom key
// refs, chart.secretRef and chart.chartPullSecret, each with its `name` and (if the field has one) `namespace`.
function objectRefs(hr: HelmRelease): Array<{ field: string; ref: Record<string, unknown> }> {
  const spec = record(hr.spec) ?? {};
  const chart = record(spec.chart) ?? {};
  const refs: Array<{ field: string; ref: Record<string, unknown> | undefined }> = [
    ...list(spec.valueFileSecrets).map((s, i) => ({ field: `spec.valueFileSecrets[${i}]`, ref: record(s) })),
    ...list(spec.valuesFrom).flatMap((v, i) => ['configMapKeyRef', 'secretKeyRef']
      .map((kind) => ({ field: `spec.valuesFrom[${i}].${kind}`, ref: record(record(v)?.[kind]) }))),
    // chart credentials without a name are not read at all
    ...[{ field: 'spec.chart.secretRef', ref: record(chart.secretRef) }, { field: 'spec.chart.chartPullSecret', ref: record(chart.chartPullSecret) }]
      .filter((r) => isSet(r.ref?.name)),
  ];
  return refs.filter((r): r is { field: string; ref: Record<string, unknown> } => r.ref !== undefined);
}

// The namespaces the spec names explicitly (absent or empty ones mean the HelmRelease's own and are left out):
// targetNamespace, the namespace of each object reference, and of each dependsOn entry.
export function namespaceReferences(hr: HelmRelease): NamedField[] {
  const spec = record(hr.spec) ?? {};
  const refs: NamedField[] = [
    { field: 'spec.targetNamespace', value: spec.targetNamespace },
    ...objectRefs(hr).map(({ field, ref }) => ({ field: `${field}.namespace`, value: ref.namespace })),
    ...list(spec.dependsOn).map((d, i) => ({ field: `spec.dependsOn[${i}].namespace`, value: record(d)?.namespace })),
  ];
  return refs.filter((r) => isSet(r.value));
}

// The refusal of a release name or namespace name that helm or Kubernetes would refuse, checked before either
// sees it (argv, label selectors, Secret names): spec.targetNamespace, the release name, each referenced name.
export function nameRefusal(hr: HelmRelease): StallingError | undefined {
  const spec = record(hr.spec) ?? {};
  const refuse = (field: string, message: string) => new StallingError(RefusalReason.InvalidName, message, { field });
  if (isSet(spec.targetNamespace)) {
    const problem = namespaceNameProblem(spec.targetNamespace);
    if (problem) return refuse('spec.targetNamespace', problem);
  }
  if (isSet(spec.releaseName)) {
    const problem = releaseNameProblem(spec.releaseName);
    if (problem) return refuse('spec.releaseName', problem);
  } else {
    const name = releaseNameOf(hr);
    const problem = releaseNameProblem(name);
    if (problem) return refuse('spec.releaseName', `the default release name (from the namespaces and name) ${problem}; set spec.releaseName`);
  }
  for (const { field, ref } of objectRefs(hr)) {
    const problem = objectNameProblem(ref.name);
    if (problem) return refuse(`${field}.name`, problem);
  }
  for (const { field, value } of namespaceReferences(hr)) {
    const problem = namespaceNameProblem(value);
    if (problem) return refuse(field, problem);
  }
  return undefined;
}

// The refusal of the first namespace the spec names other than the HelmRelease's own, unless
// --allow-cross-namespace-refs: a HelmRelease reads and installs only in its own namespace.
export function crossNamespaceRefusal(hr: HelmRelease, security: Pick<SecurityConfig, 'allowCrossNamespaceRefs'>): StallingError | undefined {
  if (security.allowCrossNamespaceRefs) return undefined;
  const own = hr.metadata.namespace;
  const other = namespaceReferences(hr).find((r) => r.value !== own);
  if (!other) return undefined;
  const what = other.field === 'spec.targetNamespace' ? 'install into' : 'reference';
  return new StallingError(RefusalReason.CrossNamespace,
    `namespace ${JSON.stringify(other.value)} is not the HelmRelease's own (${own}); a HelmRelease may only ${what} its own namespace unless Capstan runs with ${FLAG}`,
    { field: other.field });
}

// Why this HelmRelease must not be acted on at all (bad names first, then namespaces), or undefined: decided from
// the spec alone, before any Secret, ConfigMap, chart source or helm is touched.
export function releaseRefusal(hr: HelmRelease, security: Pick<SecurityConfig, 'allowCrossNamespaceRefs'>): StallingError | undefined {
  return nameRefusal(hr) ?? crossNamespaceRefusal(hr, security);
}

// Throws releaseRefusal's error, if any: the one call reconcile makes before reading anything.
export function assertReleaseAllowed(hr: HelmRelease, security: Pick<SecurityConfig, 'allowCrossNamespaceRefs'>): void {
  const refusal = releaseRefusal(hr, security);
  if (refusal) throw refusal;
}
