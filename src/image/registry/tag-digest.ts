import { type ImageRef, repositoryName } from '../image-ref.ts';
import { MANIFEST_ACCEPT } from './manifest.ts';
import type { AuthorizedGet } from './registry-auth.ts';

// Which tag's digest to ask for, and where.
export interface TagDigestRequest {
  get: AuthorizedGet;
  // The registry's API base URL, from apiBase.
  base: string;
  ref: ImageRef;
  tag: string;
  signal?: AbortSignal | undefined;
}

const DIGEST = /^[a-z0-9]+:[a-f0-9]{32,}$/;

// What a tag points to now, from one HEAD of its manifest (the Accept header of readImageInfo, so the same
// representation and digest): a refresh that finds the digest unchanged needs nothing more, as the created time
// and labels are part of the content the digest names. HEADs do not count against Docker Hub's pull limit.
// Undefined when the registry sends no Docker-Content-Digest (then only a full read tells).
export async function readTagDigest(req: TagDigestRequest): Promise<string | undefined> {
  const url = new URL(`${req.base}/v2/${req.ref.path}/manifests/${req.tag}`);
  const answer = await req.get({
    ref: req.ref, subject: `${repositoryName(req.ref)}:${req.tag}`, kind: 'manifest', method: 'HEAD', url,
    headers: { accept: MANIFEST_ACCEPT }, maxBytes: 4 * 1024 * 1024, signal: req.signal, // a HEAD has no body
  });
  const digest = answer.headers.get('docker-content-digest')?.trim();
  return digest && DIGEST.test(digest) ? digest : undefined;
}
