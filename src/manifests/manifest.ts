// One Kubernetes object as Git defines it, and fluxd's resource id for it.
import { asRecord } from '../records.ts';

// An object loaded from Git: its identity, its whole body (namespace defaulted) and where it was written.
export interface Manifest {
  apiVersion: string;
  kind: string;
  // Set for namespaced kinds (defaulted by the loader), absent for cluster-scoped ones.
  namespace?: string;
  name: string;
  body: Record<string, unknown>;
  source: { file: string; line: number };
}

// Whether objects of a kind live outside namespaces. The sync loop may hand in one backed by API discovery.
export type ClusterScoped = (kind: string, apiVersion: string) => boolean;

// A problem with one file or one object in Git: reported with where it is, the object (or file) skipped.
export interface LoadError {
  file: string;
  line?: number;
  message: string;
  // The object's fluxd id, when it could be told.
  id?: string;
}

// How a loaded object is completed: the namespace given to namespaced objects that name none.
export interface LoadOptions {
  defaultNamespace: string;
  // Default: defaultClusterScoped (a fixed list of common kinds).
  clusterScoped?: ClusterScoped;
}

// The namespace part of a cluster-scoped object's id, as fluxd wrote it.
export const CLUSTER_SCOPE = '<cluster>';

// The common cluster-scoped kinds, used when no discovery-backed answer is handed in.
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass',
  'PriorityClass', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'APIService', 'IngressClass',
  'RuntimeClass', 'CSIDriver', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
]);

// The default answer: the kind is one of CLUSTER_SCOPED_KINDS, whatever its API group.
export const defaultClusterScoped: ClusterScoped = (kind) => CLUSTER_SCOPED_KINDS.has(kind);

// fluxd's resource id `<namespace>:<kind>/<name>`: kind lower-cased, `<cluster>` when there is no namespace.
export function resourceId(ref: { namespace?: string; kind: string; name: string }): string {
  return `${ref.namespace || CLUSTER_SCOPE}:${ref.kind.toLowerCase()}/${ref.name}`;
}

// A manifest's fluxd id; a cluster-scoped kind is `<cluster>` even if Git gave it a namespace.
export function id(m: Manifest, clusterScoped: ClusterScoped = defaultClusterScoped): string {
  const namespace = clusterScoped(m.kind, m.apiVersion) ? undefined : m.namespace;
  return resourceId({ namespace, kind: m.kind, name: m.name });
}

// `metadata.labels` or `metadata.annotations` of a body, only its string (or boolean) values, as strings.
export function metadataStrings(body: Record<string, unknown>, field: 'labels' | 'annotations'): Record<string, string> {
  const map = asRecord(asRecord(body.metadata)?.[field]);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(map ?? {})) {
    if (typeof value === 'string' || typeof value === 'boolean') out[key] = String(value);
  }
  return out;
}
