import { Phase } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../errors/stalling-error.ts';
import { credentialId } from '../../fs/credential-id.ts';
import { formatBytes, readLimited } from './body-limit.ts';
import { type HttpOptions, requestRepository } from './http-request.ts';
import { lruIndexCache } from './index-cache.ts';
import { type RepositoryIndex, parseRepositoryIndex } from './parse-index.ts';
import { redactUrl } from '../../redact.ts';
import { type BasicAuth, indexUrlOf, parseRepositoryUrl } from './repository-url.ts';

// A parsed index and the validators its answer carried, for the next conditional request.
export interface CachedIndex {
  index: RepositoryIndex;
  // The size of the index as downloaded, which bounded caches count.
  bytes?: number;
  etag?: string;
  lastModified?: string;
  // When the repository last confirmed this copy (Date.now()), fetched or answered 304.
  checkedAt?: number;
}

// Where parsed indexes are kept between fetches (a Map fits); a port, so a shared store can replace it.
export interface IndexCache {
  get(key: string): CachedIndex | undefined;
  set(key: string, value: CachedIndex): unknown;
}

// The cache used when IndexOptions.cache is not given: in memory, one entry per index URL and credentials,
// bounded in entries and bytes (index-cache.ts), least recently used forgotten first.
export const sharedIndexCache: IndexCache = lruIndexCache();

// Fetches of an index on their way, per cache and key, with the signal of the caller that started each.
type Flights = Map<string, { done: Promise<RepositoryIndex>; signal?: AbortSignal | undefined }>;
const flights = new WeakMap<IndexCache, Flights>();
const flightsOf = (cache: IndexCache): Flights => {
  const known = flights.get(cache);
  if (known) return known;
  const made: Flights = new Map();
  flights.set(cache, made);
  return made;
};

// The largest index.yaml Capstan downloads (Flux's source-controller allows 50 MiB; the largest public indexes
// are under 20 MiB once trimmed). A larger one stalls on spec.chart.repository, read no further than the limit.
export const MAX_INDEX_BYTES = 20 * 1024 * 1024;

// How to fetch an index; HttpOptions' defaults apply.
export interface IndexOptions extends HttpOptions {
  // Credentials for the repository. Default: the user:password in the repository URL, else none.
  auth?: BasicAuth | undefined;
  // Default: sharedIndexCache.
  cache?: IndexCache;
  // The largest index accepted. Default MAX_INDEX_BYTES.
  maxIndexBytes?: number;
  // A cached copy the repository confirmed less than this long ago is used without asking again. Default 0:
  // always revalidated. Routine reconciles pass ROUTINE_INDEX_MAX_AGE_MS (resolve-chart.ts).
  maxAgeMs?: number;
}

// The index of the Helm repository at `repository` (http or https). A cached copy is revalidated with
// If-None-Match / If-Modified-Since and reused when the repository answers 304 Not Modified.
export async function fetchRepositoryIndex(repository: string, opts: IndexOptions = {}): Promise<RepositoryIndex> {
  const repo = parseRepositoryUrl(repository);
  const auth = opts.auth ?? repo.auth;
  const url = indexUrlOf(repo.url);
  const cache = opts.cache ?? sharedIndexCache;
  // Keyed by the credentials too (an HMAC, not the password): one tenant's copy never answers for another's.
  const key = `${url.href} ${auth ? credentialId([auth.username, auth.password]) : ''}`;
  const cached = cache.get(key);
  const now = (opts.now ?? Date.now)();
  if (cached && (opts.maxAgeMs ?? 0) > 0 && cached.checkedAt !== undefined && now - cached.checkedAt < (opts.maxAgeMs ?? 0)) return cached.index;
  // A caller content with a recent copy (maxAgeMs) shares a fetch of the same index already on its way: the
  // releases an upgrade wave makes due at once ask the repository once, not once per worker slot. It fetches on
  // its own only if that fetch was cut short by its starter's signal.
  const running = flightsOf(cache);
  const flight = (opts.maxAgeMs ?? 0) > 0 ? running.get(key) : undefined;
  if (flight) {
    try {
      return await flight.done;
    } catch (err) {
      if (!flight.signal?.aborted) throw err;
    }
  }
  const done = requestIndex({ url, key, cached, now, auth, cache }, opts);
  running.set(key, { done, signal: opts.signal });
  const land = () => { if (running.get(key)?.done === done) running.delete(key); };
  done.then(land, land);
  return done;
}

// One conditional request for the index at `url`, its answer parsed and cached under `key`.
function requestIndex(
  { url, key, cached, now, auth, cache }: { url: URL; key: string; cached: CachedIndex | undefined; now: number; auth: BasicAuth | undefined; cache: IndexCache },
  opts: IndexOptions,
): Promise<RepositoryIndex> {
  const headers: Record<string, string> = { accept: 'application/yaml, text/yaml, */*' };
  if (cached?.etag) headers['if-none-match'] = cached.etag;
  if (cached?.lastModified) headers['if-modified-since'] = cached.lastModified;
  const request = { url, subject: 'index' as const, auth, headers, accept: cached ? [304] : [] };
  return requestRepository(request, opts, async (res) => {
    if (res.status === 304 && cached) {
      await res.body?.cancel().catch(() => {});
      cached.checkedAt = now;
      return cached.index;
    }
    const tooLarge = (limit: number) => new StallingError(Phase.ChartFetchFailed,
      `the index ${redactUrl(url)} is larger than the ${formatBytes(limit)} limit for a chart repository index`, { field: 'spec.chart.repository' });
    const body = await readLimited(res, opts.maxIndexBytes ?? MAX_INDEX_BYTES, tooLarge);
    const index = parseRepositoryIndex(body.toString('utf8'), redactUrl(url));
    const fresh: CachedIndex = { index, bytes: body.byteLength, checkedAt: now };
    const etag = res.headers.get('etag');
    const lastModified = res.headers.get('last-modified');
    if (etag) fresh.etag = etag;
    if (lastModified) fresh.lastModified = lastModified;
    cache.set(key, fresh);
    return index;
  });
}
