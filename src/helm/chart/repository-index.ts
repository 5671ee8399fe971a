import { type HttpOptions, requestRepository } from './http-request.ts';
import { type RepositoryIndex, parseRepositoryIndex } from './parse-index.ts';
import { redactUrl } from '../../redact.ts';
import { type BasicAuth, indexUrlOf, parseRepositoryUrl } from './repository-url.ts';

// A parsed index and the validators its answer carried, for the next conditional request.
export interface CachedIndex {
  index: RepositoryIndex;
  etag?: string;
  lastModified?: string;
}

// Where parsed indexes are kept between fetches (a Map fits); a port, so a shared store can replace it.
export interface IndexCache {
  get(key: string): CachedIndex | undefined;
  set(key: string, value: CachedIndex): unknown;
}

// The cache used when IndexOptions.cache is not given: in memory, one entry per index URL and user, for the
// life of the process (a few repositories per cluster, so it is not bounded).
export const sharedIndexCache: IndexCache = new Map<string, CachedIndex>();

// How to fetch an index; HttpOptions' defaults apply.
export interface IndexOptions extends HttpOptions {
  // Credentials for the repository. Default: the user:password in the repository URL, else none.
  auth?: BasicAuth | undefined;
  // Default: sharedIndexCache.
  cache?: IndexCache;
}

// The index of the Helm repository at `repository` (http or https). A cached copy is revalidated with
// If-None-Match / If-Modified-Since and reused when the repository answers 304 Not Modified.
export async function fetchRepositoryIndex(repository: string, opts: IndexOptions = {}): Promise<RepositoryIndex> {
  const repo = parseRepositoryUrl(repository);
  const auth = opts.auth ?? repo.auth;
  const url = indexUrlOf(repo.url);
  const cache = opts.cache ?? sharedIndexCache;
  // Keyed by user too: one user's cached copy never answers for another's credentials.
  const key = `${url.href} ${auth?.username ?? ''}`;
  const cached = cache.get(key);
  const headers: Record<string, string> = { accept: 'application/yaml, text/yaml, */*' };
  if (cached?.etag) headers['if-none-match'] = cached.etag;
  if (cached?.lastModified) headers['if-modified-since'] = cached.lastModified;
  const request = { url, subject: 'index' as const, auth, headers, accept: cached ? [304] : [] };
  return requestRepository(request, opts, async (res) => {
    if (res.status === 304 && cached) {
      await res.body?.cancel().catch(() => {});
      return cached.index;
    }
    const index = parseRepositoryIndex(await res.text(), redactUrl(url));
    const fresh: CachedIndex = { index };
    const etag = res.headers.get('etag');
    const lastModified = res.headers.get('last-modified');
    if (etag) fresh.etag = etag;
    if (lastModified) fresh.lastModified = lastModified;
    cache.set(key, fresh);
    return index;
  });
}
