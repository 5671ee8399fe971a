import type { LiveObject } from './plan-gc.ts';
import type { ServedKind } from './scope.ts';

// A live object Git sync may delete: enough to address it, plus what garbage collection reads.
export interface LiveRef extends LiveObject { apiVersion: string; name: string; namespace?: string }

// The cluster as Git sync uses it (the real one is in kube/sync-cluster.ts; tests may fake it).
export interface SyncCluster {
  // Server-side apply of one object with field manager `capstan` (force: Capstan owns what Git says).
  // Rejects with the API server's message.
  apply(body: Record<string, unknown>, signal?: AbortSignal): Promise<void>;
  // Resolves once the CRD is Established (then refreshes discovery so its kind can be applied).
  waitEstablished(crdName: string, timeoutMs: number): Promise<void>;
  // Every live object, of every listable kind, that carries `label` (any value), with its labels/annotations; with
  // `namespaces`, only the namespaced kinds' objects in those namespaces (--k8s-allow-namespace: nothing else is in
  // scope), so a sync lists neither the cluster-scoped kinds nor other namespaces.
  listLabelled(label: string, namespaces?: readonly string[]): Promise<LiveRef[]>;
  // Every kind the API server serves, with its scope (discovery), so a cluster-scoped custom kind gets no
  // namespace. Optional: without it the common built-in kinds are the cluster-scoped ones.
  servedKinds?(): Promise<ServedKind[]>;
  // Deletes one object (background propagation); a 404 is fine.
  delete(ref: LiveRef): Promise<void>;
}
