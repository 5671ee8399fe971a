import { isRecord } from '../../records.ts';

// The manifest formats a tag may point to.
export const MediaType = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  schema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  schema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
} as const;

// The Accept header of a manifest request: every format read here, schema 1 last (registries that still have
// it convert to schema 2 when asked).
export const MANIFEST_ACCEPT = [
  MediaType.dockerManifest, MediaType.dockerList, MediaType.ociManifest, MediaType.ociIndex,
  MediaType.schema1Signed, MediaType.schema1,
].join(', ');

// An index entry: one platform's manifest.
export interface IndexEntry { digest: string; platform?: { os?: unknown; architecture?: unknown; variant?: unknown } }

// What a manifest says that matters here: where each platform's manifest is (index, manifest list), where the
// image config is (schema 2, OCI), or the creation time and labels inline (schema 1).
export type Manifest =
  | { kind: 'index'; entries: IndexEntry[] }
  | { kind: 'image'; config: { digest: string; mediaType?: string }; annotations: Record<string, string> }
  | { kind: 'schema1'; config: ImageConfig };

// The parts of an image config (or a schema 1 v1Compatibility) read here.
export interface ImageConfig { created?: string; labels: Record<string, string> }

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

function strings(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

// Reads a manifest by its media type (Content-Type, else its `mediaType` field, else its shape). Throws an Error
// saying what is wrong, for the caller to wrap with the repository and tag.
export function readManifest(body: Buffer, contentType: string | null): Manifest {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    throw new Error('the manifest is not JSON');
  }
  if (!isRecord(doc)) throw new Error('the manifest is not a JSON object');
  const header = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  const type = [header, doc.mediaType].find((t) => typeof t === 'string' && /manifest|index/.test(t)) as string | undefined;
  if (type === MediaType.dockerList || type === MediaType.ociIndex || (type === undefined && Array.isArray(doc.manifests))) {
    if (!Array.isArray(doc.manifests)) throw new Error('the manifest list has no "manifests"');
    const entries: IndexEntry[] = [];
    for (const m of doc.manifests) {
      if (!isRecord(m) || typeof m.digest !== 'string' || !DIGEST.test(m.digest)) {
        throw new Error('the manifest list has an entry without a valid digest');
      }
      entries.push(isRecord(m.platform) ? { digest: m.digest, platform: m.platform } : { digest: m.digest });
    }
    return { kind: 'index', entries };
  }
  if (doc.schemaVersion === 1 || type === MediaType.schema1 || type === MediaType.schema1Signed) return readSchema1(doc);
  const config = doc.config;
  if (!isRecord(config) || typeof config.digest !== 'string' || !DIGEST.test(config.digest)) {
    throw new Error('the image manifest has no config digest');
  }
  const mediaType = typeof config.mediaType === 'string' ? config.mediaType : undefined;
  return { kind: 'image', config: mediaType ? { digest: config.digest, mediaType } : { digest: config.digest }, annotations: strings(doc.annotations) };
}

// Schema 1 keeps the image config of each layer as a JSON string; the first is the image's own.
function readSchema1(doc: Record<string, unknown>): Manifest {
  const history = Array.isArray(doc.history) ? doc.history[0] : undefined;
  const compat = isRecord(history) ? history.v1Compatibility : undefined;
  if (typeof compat !== 'string') return { kind: 'schema1', config: { labels: {} } };
  return { kind: 'schema1', config: readImageConfig(Buffer.from(compat)) };
}

// Whether a config blob of this media type is an image config (an artifact's config, a Helm chart's say, is not).
export function isImageConfig(mediaType: string | undefined): boolean {
  return mediaType === undefined || mediaType === MediaType.dockerConfig || mediaType === MediaType.ociConfig;
}

// Reads `created` and `config.Labels` from an image config blob; throws when it is not JSON.
export function readImageConfig(body: Buffer): ImageConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    throw new Error('the image config is not JSON');
  }
  if (!isRecord(doc)) throw new Error('the image config is not a JSON object');
  const labels = strings(isRecord(doc.config) ? doc.config.Labels : undefined);
  return typeof doc.created === 'string' ? { created: doc.created, labels } : { labels };
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

// An RFC 3339 time; undefined when it is not one, or is not after 1970 (Go's zero time, SOURCE_DATE_EPOCH=0), so
// that a time-ordered filter skips the image rather than ranking it oldest.
export function parseCreated(text: string | undefined): Date | undefined {
  const m = text === undefined ? null : RFC3339.exec(text.trim());
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}T${m[2]}${(m[3] ?? '').slice(0, 4)}${m[4]?.toUpperCase()}`);
  return Number.isNaN(ms) || ms <= 0 ? undefined : new Date(ms);
}

// When the image was built: the first readable of the labels org.opencontainers.image.created and
// org.label-schema.build-date (set by the build, they survive rebuilds that reset `created`), the manifest
// annotation org.opencontainers.image.created, and the config's `created`.
export function creationTime(config: ImageConfig, annotations: Record<string, string> = {}): Date | undefined {
  const candidates = [
    config.labels['org.opencontainers.image.created'],
    config.labels['org.label-schema.build-date'],
    annotations['org.opencontainers.image.created'],
    config.created,
  ];
  for (const text of candidates) {
    const created = parseCreated(text);
    if (created) return created;
  }
  return undefined;
}
