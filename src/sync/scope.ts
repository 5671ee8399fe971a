import { asRecord } from '../records.ts';
import { type ClusterScoped, defaultClusterScoped, type Manifest } from '../manifests/manifest.ts';

// A kind the API server serves, and whether its objects live in namespaces (from discovery).
export interface ServedKind { apiVersion: string; kind: string; namespaced: boolean }

const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? (apiVersion.split('/')[0] ?? '') : '');
const key = (group: string, kind: string): string => `${group}/${kind}`;

// Whether a kind is cluster-scoped, decided in this order: a CustomResourceDefinition in the same Git revision
// (its spec.scope: what is about to be applied wins), then API discovery, then the list of common built-in kinds.
// A scope is per group and kind, whatever the version. Pure.
export function clusterScopedFrom(served: readonly ServedKind[], manifests: readonly Manifest[]): ClusterScoped {
  const scopes = new Map<string, boolean>();
  for (const s of served) scopes.set(key(groupOf(s.apiVersion), s.kind), !s.namespaced);
  for (const m of manifests) {
    if (m.kind !== 'CustomResourceDefinition' || !m.apiVersion.startsWith('apiextensions.k8s.io/')) continue;
    const spec = asRecord(m.body.spec);
    const group = spec?.group;
    const kind = asRecord(spec?.names)?.kind;
    if (typeof group !== 'string' || typeof kind !== 'string') continue;
    if (spec?.scope === 'Cluster' || spec?.scope === 'Namespaced') scopes.set(key(group, kind), spec.scope === 'Cluster');
  }
  return (kind, apiVersion) => scopes.get(key(groupOf(apiVersion), kind)) ?? defaultClusterScoped(kind, apiVersion);
}
