import { isRecord } from '../../records.ts';
import { readYamlDocuments } from '../../yaml/read-yaml.ts';
import type { ReleaseObjectRef } from './compare-objects.ts';

// One object a release manifest creates: its address and its body as Helm rendered it.
export interface ReleaseObject { ref: ReleaseObjectRef; body: Record<string, unknown> }

// The objects of a rendered release manifest (what Helm stored for a revision), List kinds expanded, in order;
// documents that are no object (empty, a comment) are skipped. The namespace is the manifest's own: the adapter
// gives namespaced kinds the release namespace where it is missing. Read by the one YAML reader (limits on size
// and aliases), so a hostile manifest throws a YamlError.
export function releaseObjects(manifest: string): ReleaseObject[] {
  const out: ReleaseObject[] = [];
  const visit = (doc: unknown): void => {
    if (!isRecord(doc)) return;
    if (typeof doc.kind === 'string' && doc.kind.endsWith('List') && Array.isArray(doc.items)) {
      doc.items.forEach(visit);
      return;
    }
    const metadata = isRecord(doc.metadata) ? doc.metadata : {};
    const { apiVersion, kind } = doc;
    const { name, namespace } = metadata;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string' || typeof name !== 'string' || !name) return;
    out.push({ ref: { apiVersion, kind, name, ...(typeof namespace === 'string' && namespace ? { namespace } : {}) }, body: doc });
  };
  for (const doc of readYamlDocuments(manifest)) visit(doc.value);
  return out;
}
