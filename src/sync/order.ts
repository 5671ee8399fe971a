import { type ClusterScoped, defaultClusterScoped, id, type Manifest } from '../manifests/manifest.ts';

// fluxd's kind ranks (flux pkg/cluster/kubernetes/sync.go rankOfKind, matched case-insensitively), with
// CustomResourceDefinition given a rank of its own right after Namespace, so CRDs precede everything that is
// not a Namespace. Kinds not listed are assumed not depended upon and come last.
const RANKS = [
  ['namespace'],
  ['customresourcedefinition'],
  ['serviceaccount', 'clusterrole', 'role', 'persistentvolume', 'service'],
  ['resourcequota', 'limitrange', 'secret', 'configmap', 'rolebinding', 'clusterrolebinding', 'persistentvolumeclaim', 'ingress'],
  ['daemonset', 'deployment', 'replicationcontroller', 'replicaset', 'job', 'cronjob', 'statefulset'],
] as const;

const RANK_OF = new Map<string, number>(RANKS.flatMap((kinds, rank) => kinds.map((kind) => [kind, rank] as const)));

// The rank of everything fluxd did not list: applied last, deleted first.
export const LAST_RANK = RANKS.length;

// Where a kind goes in the apply order: lower first.
export function rankOfKind(kind: string): number {
  return RANK_OF.get(kind.toLowerCase()) ?? LAST_RANK;
}

// Anything with a kind and a fluxd id, sorted for applying: by rank, then by id (code-unit order), so equal
// inputs always give one order (fluxd broke ties by name with an unstable sort).
export function sortForApply<T extends { kind: string; id: string }>(items: readonly T[]): T[] {
  return items
    .map((item) => ({ item, rank: rankOfKind(item.kind) }))
    .sort((a, b) => a.rank - b.rank || compare(a.item.id, b.item.id))
    .map(({ item }) => item);
}

// The same, for deleting: the exact reverse of the apply order.
export function sortForDelete<T extends { kind: string; id: string }>(items: readonly T[]): T[] {
  return sortForApply(items).reverse();
}

// Manifests in the order to apply them: Namespaces, CRDs, then fluxd's kind ranks.
export function orderForApply(manifests: readonly Manifest[], clusterScoped: ClusterScoped = defaultClusterScoped): Manifest[] {
  return sortForApply(manifests.map((m) => ({ kind: m.kind, id: id(m, clusterScoped), m }))).map(({ m }) => m);
}

// Manifests in the order to delete them: the reverse of orderForApply.
export function orderForDelete(manifests: readonly Manifest[], clusterScoped: ClusterScoped = defaultClusterScoped): Manifest[] {
  return orderForApply(manifests, clusterScoped).reverse();
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
