import type { ObjectRef } from '../kube/client.ts';
import { CLUSTER_SCOPED_KINDS as CLUSTER_SCOPED } from '../manifests/manifest.ts';
import { readYamlDocuments } from '../yaml/read-yaml.ts';

// The objects a rendered release manifest (`helm get manifest`) creates, List kinds expanded; objects without a
// namespace are given the release namespace unless cluster-scoped kinds are known to be so. Read by the one YAML
// reader, so a manifest rendered with an alias bomb throws a YamlError instead of expanding.
export function manifestObjects(manifest: string, namespace: string): ObjectRef[] {
  const out: ObjectRef[] = [];
  const visit = (doc: unknown): void => {
    if (typeof doc !== 'object' || doc === null) return;
    const o = doc as { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string }; items?: unknown[] };
    if (o.kind?.endsWith('List') && Array.isArray(o.items)) {
      o.items.forEach(visit);
      return;
    }
    if (!o.apiVersion || !o.kind || !o.metadata?.name) return;
    out.push({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: CLUSTER_SCOPED.has(o.kind) ? undefined : (o.metadata.namespace ?? namespace) });
  };
  for (const doc of readYamlDocuments(manifest)) visit(doc.value);
  return out;
}
