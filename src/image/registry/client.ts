import { apiBase, type ImageRef } from '../image-ref.ts';
import type { RegistryCredentials } from '../../docker-config.ts';
import { type ImageInfo, readImageInfo } from './image-info.ts';
import { listTags } from './list-tags.ts';
import type { AuthCache } from './auth-cache.ts';
import type { Platform } from './platform.ts';
import type { HostRateLimiter } from './rate-limiter.ts';
import { createAuthorizedGet } from './registry-auth.ts';
import type { RequestEvent } from './registry-request.ts';
import { readTagDigest } from './tag-digest.ts';

export type { ImageInfo } from './image-info.ts';
export { type Platform, parsePlatform } from './platform.ts';
export { RegistryError, RegistryErrorKind } from './registry-error.ts';
export type { RequestEvent } from './registry-request.ts';

// The registry port of image watching: a repository's tags, and what one tag is.
export interface RegistryClient {
  // Every tag of the repository (the ref's tag and digest are ignored), in the registry's order.
  listTags(repository: ImageRef, signal?: AbortSignal): Promise<string[]>;
  // The digest of `tag` and, for the configured platform, the image's creation time and labels.
  imageInfo(repository: ImageRef, tag: string, signal?: AbortSignal): Promise<ImageInfo>;
  // The digest `tag` points to now, from one HEAD request; undefined when the registry does not say.
  digest(repository: ImageRef, tag: string, signal?: AbortSignal): Promise<string | undefined>;
}

// How the client reaches registries.
export interface RegistryClientOptions {
  // The login for a registry domain (`docker.io`, `ghcr.io`, `127.0.0.1:5000`), if there is one.
  credentials: (domain: string) => RegistryCredentials | undefined;
  // Domains spoken to over plain http instead of https.
  insecureHosts: readonly string[];
  // The platform whose image a multi-platform tag is read for.
  platform: Platform;
  // Paces requests per domain; told about 429s and successes.
  limiter: HostRateLimiter;
  // Limit for one request, from sending it to the end of its body. Default 30_000 ms.
  timeoutMs?: number;
  // The most tags listTags reads before failing (it bounds the pages followed). Default 10_000.
  maxTags?: number;
  // Told about every request made, with its status or 'error' when no answer came. Default: none.
  onRequest?: (event: RequestEvent) => void;
  // Tokens and Basic hosts shared with other clients (those of later scans). Default: the client's own.
  authCache?: AuthCache;
}

// Builds the registry client. Errors are RegistryError: `rate-limited` (the limiter has already slowed the host;
// the client does not retry), `unavailable`, `unauthorized`, `not-found` or `bad-response`. Bearer tokens are
// cached per domain, repository and login, in the client or the AuthCache it is given.
export function createRegistryClient(opts: RegistryClientOptions): RegistryClient {
  const insecure = new Set(opts.insecureHosts.map((h) => h.toLowerCase()));
  const maxTags = opts.maxTags ?? 10_000;
  const get = createAuthorizedGet({
    credentials: opts.credentials,
    limiter: opts.limiter,
    timeoutMs: opts.timeoutMs ?? 30_000,
    onRequest: opts.onRequest,
    authCache: opts.authCache,
    now: Date.now,
  });
  const base = (ref: ImageRef) => apiBase(ref.domain, insecure.has(ref.domain.toLowerCase()));
  return {
    listTags: (ref, signal) => listTags({ get, base: base(ref), ref, maxTags, signal }),
    imageInfo: (ref, tag, signal) => readImageInfo({ get, base: base(ref), ref, tag, platform: opts.platform, signal }),
    digest: (ref, tag, signal) => readTagDigest({ get, base: base(ref), ref, tag, signal }),
  };
}
