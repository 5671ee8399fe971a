import type { Manifest } from '../manifests/manifest.ts';
import { asRecord } from '../records.ts';
import { checksum, GC_MARK_LABEL } from './checksum.ts';
import type { LiveObject } from './plan-gc.ts';

// The annotation `kubectl apply` (client-side, as fluxd ran it) leaves: the object it sent, as JSON.
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

// Whether a live object was last applied, by fluxd, from exactly this manifest: it carries this source's mark for it,
// and the object `kubectl apply` recorded (fluxd's mark and checksum set aside, the namespace defaulted as the loader
// does) has the same content as the manifest. fluxd's own sync-checksum hashed the document as its YAML library
// printed it, which Capstan cannot reproduce; the record kubectl kept can be compared exactly. Anything unreadable,
// or any difference (a field changed by hand with kubectl apply, a value typed otherwise): false, and the object is
// applied. Pure.
export function appliedByFluxd(m: Manifest, live: LiveObject | undefined, mark: string): boolean {
  if (!live || live.labels?.[GC_MARK_LABEL] !== mark) return false;
  const text = live.annotations?.[LAST_APPLIED_ANNOTATION];
  if (!text) return false;
  let sent: Record<string, unknown> | undefined;
  try {
    sent = asRecord(JSON.parse(text));
  } catch {
    return false;
  }
  if (!sent) return false;
  const metadata = asRecord(sent.metadata) ?? {};
  const namespaced = m.namespace !== undefined && metadata.namespace === undefined ? { ...sent, metadata: { ...metadata, namespace: m.namespace } } : sent;
  return checksum({ body: namespaced }) === checksum(m);
}
