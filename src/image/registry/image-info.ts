import { createHash } from 'node:crypto';
import { type ImageRef, repositoryName } from '../image-ref.ts';
import {
  creationTime, type ImageConfig, isImageConfig, MANIFEST_ACCEPT, type Manifest, readImageConfig, readManifest,
} from './manifest.ts';
import { formatPlatform, type Platform, platformMatches } from './platform.ts';
import type { AuthorizedGet } from './registry-auth.ts';
import { RegistryError, RegistryErrorKind } from './registry-error.ts';
import type { Answer } from './registry-request.ts';

// What a tag points to: its digest (for a multi-platform tag, the digest of the list, which pulls on any
// platform), and the creation time and labels of the platform's image when they can be read.
export interface ImageInfo { digest: string; created?: Date; labels?: Record<string, string> }

// Where and for which platform a tag is read.
export interface ImageInfoRequest {
  get: AuthorizedGet;
  // The registry's API base URL, from apiBase.
  base: string;
  ref: ImageRef;
  tag: string;
  platform: Platform;
  signal?: AbortSignal | undefined;
}

// Registries refuse manifests over 4 MiB; image configs are rarely over a few hundred KiB.
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

// Reads a tag's manifest, the platform's manifest when the tag is a list, then the image config.
export async function readImageInfo(req: ImageInfoRequest): Promise<ImageInfo> {
  const subject = `${repositoryName(req.ref)}:${req.tag}`;
  const top = await fetchManifest(req, subject, req.tag);
  const headerDigest = top.answer.headers.get('docker-content-digest')?.trim();
  const digest = headerDigest && /^[a-z0-9]+:[a-f0-9]{32,}$/.test(headerDigest) ? headerDigest : sha256(top.answer.body);
  let manifest = top.manifest;
  if (manifest.kind === 'index') {
    const entries = manifest.entries;
    const entry = entries.find((e) => e.platform && platformMatches(req.platform, e.platform));
    if (!entry) {
      const offered = entries.map((e) => (e.platform ? `${e.platform.os}/${e.platform.architecture}` : '?')).join(', ');
      throw new RegistryError(`${subject}: no image for ${formatPlatform(req.platform)} in the manifest list (it has ${offered || 'none'})`,
        { host: req.ref.domain, repository: repositoryName(req.ref), kind: RegistryErrorKind.notFound });
    }
    manifest = (await fetchManifest(req, subject, entry.digest)).manifest;
    if (manifest.kind === 'index') throw bad(req, `${subject}: the manifest list for ${formatPlatform(req.platform)} points to another list`);
  }
  if (manifest.kind === 'schema1') return describe(digest, manifest.config);
  if (!isImageConfig(manifest.config.mediaType)) return describe(digest, { labels: {} }, manifest.annotations);
  const blobUrl = new URL(`${req.base}/v2/${req.ref.path}/blobs/${manifest.config.digest}`);
  const blob = await req.get({ ref: req.ref, subject, kind: 'blob', url: blobUrl, maxBytes: MAX_CONFIG_BYTES, signal: req.signal });
  checkDigest(req, subject, blob, manifest.config.digest);
  try {
    return describe(digest, readImageConfig(blob.body), manifest.annotations);
  } catch (error) {
    throw bad(req, `${subject}: ${(error as Error).message}`);
  }
}

// GETs and reads a manifest by tag or digest, checking the body against the digest when fetched by one.
async function fetchManifest(req: ImageInfoRequest, subject: string, reference: string): Promise<{ answer: Answer; manifest: Manifest }> {
  const url = new URL(`${req.base}/v2/${req.ref.path}/manifests/${reference}`);
  const answer = await req.get({
    ref: req.ref, subject, kind: 'manifest', url, headers: { accept: MANIFEST_ACCEPT }, maxBytes: MAX_MANIFEST_BYTES, signal: req.signal,
  });
  if (reference.includes(':')) checkDigest(req, subject, answer, reference);
  try {
    return { answer, manifest: readManifest(answer.body, answer.headers.get('content-type')) };
  } catch (error) {
    throw bad(req, `${subject}: ${(error as Error).message}`);
  }
}

function describe(digest: string, config: ImageConfig, annotations?: Record<string, string>): ImageInfo {
  const info: ImageInfo = { digest };
  const created = creationTime(config, annotations);
  if (created) info.created = created;
  if (Object.keys(config.labels).length > 0) info.labels = config.labels;
  return info;
}

function sha256(body: Buffer): string {
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

// Content fetched by a sha256 digest must hash to it.
function checkDigest(req: ImageInfoRequest, subject: string, answer: Answer, digest: string): void {
  if (digest.startsWith('sha256:') && sha256(answer.body) !== digest) {
    throw bad(req, `${subject}: the content fetched for ${digest} does not match that digest`);
  }
}

function bad(req: ImageInfoRequest, message: string): RegistryError {
  return new RegistryError(message, { host: req.ref.domain, repository: repositoryName(req.ref), kind: RegistryErrorKind.badResponse });
}
