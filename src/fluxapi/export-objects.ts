// `GET /v6/export` (fluxctl save): the live objects of the synced sources as a YAML stream, like fluxd's export,
// cleaned of what the cluster added. Secrets are left out: their data must never leave through the API.
import { stringify } from 'yaml';
import type { Route } from '../http/http-server.ts';
import { asRecord } from '../records.ts';
import { CHECKSUM_ANNOTATION, GC_MARK_LABEL } from '../sync/checksum.ts';
import { fluxRoute } from './flux-route.ts';
import { type FluxSource, liveId, sourceOf } from './flux-source.ts';
import type { ListedKind, LiveObjects } from './live-objects.ts';

// What exporting needs: the sources, the cluster, the namespaces Capstan may reach (empty: all) and the kinds the
// API server serves (discovery).
export interface ExportDeps {
  sources: readonly FluxSource[];
  live: LiveObjects;
  namespaces: readonly string[];
  kinds: () => Promise<readonly ListedKind[]>;
}

// Kinds never exported: Secrets (their data), and what no one keeps in Git.
const LEFT_OUT = new Set(['Secret', 'Event']);
const DROPPED_META = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];
const DROPPED_ANNOTATIONS = [CHECKSUM_ANNOTATION, 'kubectl.kubernetes.io/last-applied-configuration', 'deployment.kubernetes.io/revision', 'kubernetes.io/change-cause'];

// One live object as it could be written to Git again: no status, no server-set metadata, no sync stamps.
export function exportable(live: Record<string, unknown>): Record<string, unknown> {
  const { status: _status, ...rest } = live;
  const meta = { ...asRecord(live.metadata) };
  for (const key of DROPPED_META) delete meta[key];
  const labels = { ...asRecord(meta.labels) };
  delete labels[GC_MARK_LABEL];
  const annotations = { ...asRecord(meta.annotations) };
  for (const key of DROPPED_ANNOTATIONS) delete annotations[key];
  if (Object.keys(labels).length) meta.labels = labels;
  else delete meta.labels;
  if (Object.keys(annotations).length) meta.annotations = annotations;
  else delete meta.annotations;
  const spec = asRecord(rest.spec);
  const templateMeta = asRecord(asRecord(spec?.template)?.metadata);
  if (templateMeta && 'creationTimestamp' in templateMeta) delete templateMeta.creationTimestamp;
  return { apiVersion: rest.apiVersion, kind: rest.kind, metadata: meta, ...Object.fromEntries(Object.entries(rest).filter(([k]) => !['apiVersion', 'kind', 'metadata'].includes(k))) };
}

// The YAML stream of every object a source of this process synced, sorted by id.
export async function exportYaml(deps: ExportDeps): Promise<string> {
  const kinds = (await deps.kinds()).filter((k) => !LEFT_OUT.has(k.kind));
  const objects = await deps.live.list(kinds, { label: GC_MARK_LABEL, namespaces: deps.namespaces, skipForbidden: true });
  const ours = [...new Map(objects.filter((o) => sourceOf(o, deps.sources)).map((o) => [liveId(o), o])).values()]
    .sort((a, b) => (liveId(a) < liveId(b) ? -1 : 1));
  return ours.map((o) => `---\n${stringify(exportable(structuredClone(o)))}`).join('');
}

// The route; the answer is a JSON string of base64 bytes, as Go encodes the []byte fluxctl decodes.
export function exportRoute(deps: ExportDeps, onError?: (err: unknown) => void): Route {
  return fluxRoute('GET', ['/v6/export'], async () => Buffer.from(await exportYaml(deps)).toString('base64'), onError);
}
