import { createHash, hash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.ts';
import { asRecord } from '../records.ts';
import type { Manifest } from '../manifests/manifest.ts';

// The label marking an object as this source's to garbage collect, as fluxd named it.
export const GC_MARK_LABEL = 'fluxcd.io/sync-gc-mark';

// The annotation recording the checksum of the Git manifest last applied, as fluxd named it.
export const CHECKSUM_ANNOTATION = 'fluxcd.io/sync-checksum';

// sha1 hex of the manifest body as canonical JSON (keys sorted), without the two keys withSyncMetadata adds, so
// it does not change with key order, formatting, comments or re-stamping. fluxd hashed the raw manifest bytes,
// which changed with any reformatting; this one changes only when the object does.
export function checksum(m: Pick<Manifest, 'body'>): string {
  return hash('sha1', canonicalJson(withoutSyncMetadata(m.body)), 'hex'); // one-shot: a sync hashes every object
}

// fluxd's mark for one object of one source: "sha256." + unpadded base64url(sha256(sourceId + resourceId)).
// Binding the object's id in means a label copied onto another object never matches, so that copy is never
// collected. It is always a valid label value: 50 characters, the prefix starts with a letter, and the 43rd
// base64 character of 32 bytes carries 4 data bits and 2 zero bits, so it is one of A E I M Q U Y c g k o s w 0 4 8
// (never `-` or `_`). Given fluxd's sync set name as sourceId, the marks equal those fluxd wrote.
export function gcMark(sourceId: string, resourceId: string): string {
  return `sha256.${hash('sha256', sourceId + resourceId, 'base64url')}`;
}

// fluxd's sync set name for a repository: unpadded base64url(sha256(safeUrl + branch + paths)), where safeUrl is
// the URL as fluxd's Remote.SafeURL printed it (password dropped, user kept, scp-style `git@h:p` as `ssh://git@h/p`).
// Used as gcMark's sourceId it lets Capstan adopt (and collect) the objects fluxd marked.
export function fluxSyncSetName(source: { safeUrl: string; branch: string; paths: readonly string[] }): string {
  return createHash('sha256').update(source.safeUrl + source.branch + source.paths.join('')).digest('base64url');
}

// The body to apply: the manifest's body plus the mark label and the checksum annotation; the input is untouched.
export function withSyncMetadata(m: Pick<Manifest, 'body'>, stamp: { mark: string; checksum: string }): Record<string, unknown> {
  const metadata = asRecord(m.body.metadata) ?? {};
  return {
    ...m.body,
    metadata: {
      ...metadata,
      labels: { ...asRecord(metadata.labels), [GC_MARK_LABEL]: stamp.mark },
      annotations: { ...asRecord(metadata.annotations), [CHECKSUM_ANNOTATION]: stamp.checksum },
    },
  };
}

// The body without the mark label and checksum annotation; maps left empty by that are dropped.
function withoutSyncMetadata(body: Record<string, unknown>): Record<string, unknown> {
  const metadata = asRecord(body.metadata);
  if (!metadata) return body;
  const rest = { ...metadata, labels: without(metadata.labels, GC_MARK_LABEL), annotations: without(metadata.annotations, CHECKSUM_ANNOTATION) };
  return { ...body, metadata: rest };
}

// A map without one key, or undefined when nothing is left (canonicalJson leaves out undefined values).
function without(map: unknown, key: string): unknown {
  const record = asRecord(map);
  if (!record) return map;
  const { [key]: _removed, ...rest } = record;
  return Object.keys(rest).length > 0 ? rest : undefined;
}
