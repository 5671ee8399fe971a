import { type ImageRef, repositoryName } from '../image-ref.ts';
import type { HostRateLimiter } from './rate-limiter.ts';
import { kindOfAnswer, parseRetryAfter, RegistryError, RegistryErrorKind } from './registry-error.ts';

// What a request was for, as RegistryClientOptions.onRequest reports it.
export type RequestKind = 'tags' | 'manifest' | 'blob' | 'token';

// One request made (or failed to be made) to a registry: for metrics and logs.
export interface RequestEvent { host: string; kind: RequestKind; status: number | 'error' }

// What every request shares: the per-host limiter, the timeout and the request observer.
export interface RequestDeps {
  limiter: HostRateLimiter;
  timeoutMs: number;
  onRequest?: ((event: RequestEvent) => void) | undefined;
  now: () => number;
}

// One GET (or HEAD) on behalf of an image repository.
export interface RegistryRequest {
  ref: ImageRef;
  method?: 'GET' | 'HEAD'; // default GET
  // The repository (and tag or digest) as error messages name it, e.g. `docker.io/library/nginx:1.2`.
  subject: string;
  kind: RequestKind;
  url: URL;
  headers?: Record<string, string>;
  // The largest body read; a larger one is a bad response.
  maxBytes: number;
  signal?: AbortSignal | undefined;
}

// A registry's answer with its whole body; `url` is where it came from after redirects.
export interface Answer { status: number; headers: Headers; body: Buffer; url: URL; codes: string[] }

// Error bodies are read this far only, for their distribution error codes.
const MAX_ERROR_BODY = 64 * 1024;

// What a request is, for messages: never its URL (a token realm or a redirect may carry secrets).
const WHAT = { tags: 'tag list', manifest: 'manifest', blob: 'image config', token: 'token' } as const;

// GETs (or HEADs) `req.url` after the host's limiter lets it go and reads the whole body within the timeout. Any status is
// returned (the caller decides about 401), but a 429 slows the host down and a 2xx tells the limiter it is calm.
// Network errors and timeouts become RegistryError `unavailable`; the caller's abort reason passes through.
export async function send(deps: RequestDeps, req: RegistryRequest, authorization?: string): Promise<Answer> {
  const host = req.ref.domain;
  await deps.limiter.acquire(host, req.signal);
  const answer = await fetchAnswer(deps, req, authorization);
  deps.onRequest?.({ host, kind: req.kind, status: answer.status });
  if (answer.status >= 200 && answer.status < 300) {
    deps.limiter.succeeded(host);
    return answer;
  }
  answer.codes = errorCodes(answer.body);
  if (kindOfAnswer(answer.status, answer.codes) === RegistryErrorKind.rateLimited) {
    deps.limiter.tooManyRequests(host, parseRetryAfter(answer.headers.get('retry-after'), deps.now()));
  }
  return answer;
}

// One fetch and its body, bounded by the timeout; reports to onRequest itself only when there is no answer.
async function fetchAnswer(deps: RequestDeps, req: RegistryRequest, authorization: string | undefined): Promise<Answer> {
  const host = req.ref.domain;
  const timeout = AbortSignal.timeout(deps.timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  const headers: Record<string, string> = { ...req.headers };
  if (authorization) headers.authorization = authorization;
  try {
    // undici drops the authorization header when a redirect leaves the origin (blobs served from a bucket)
    const res = await fetch(req.url, { method: req.method ?? 'GET', headers, signal, redirect: 'follow' });
    const body = await readBody(res, res.ok ? req.maxBytes : MAX_ERROR_BODY);
    if (body === undefined && res.ok) {
      throw new RegistryError(`${req.subject}: ${WHAT[req.kind]} request got more than ${req.maxBytes} bytes`,
        { host, repository: repositoryName(req.ref), kind: RegistryErrorKind.badResponse, status: res.status });
    }
    return { status: res.status, headers: res.headers, body: body ?? Buffer.alloc(0), url: new URL(res.url || req.url), codes: [] };
  } catch (error) {
    deps.onRequest?.({ host, kind: req.kind, status: error instanceof RegistryError ? (error.status ?? 'error') : 'error' });
    if (error instanceof RegistryError) throw error;
    if (req.signal?.aborted) throw req.signal.reason;
    const why = timeout.aborted ? `timed out after ${deps.timeoutMs / 1000}s` : `failed: cannot reach ${req.url.host} (${networkCause(error)})`;
    throw new RegistryError(`${req.subject}: ${WHAT[req.kind]} request ${why}`,
      { host, repository: repositoryName(req.ref), kind: RegistryErrorKind.unavailable, cause: error });
  }
}

// The RegistryError for an answer that is not 2xx: its kind from status and error codes, its message naming the
// subject, the status and the codes (never the body's free text, which may echo the request).
export function failure(deps: RequestDeps, req: RegistryRequest, answer: Answer): RegistryError {
  const kind = kindOfAnswer(answer.status, answer.codes);
  const retryAfterMs = parseRetryAfter(answer.headers.get('retry-after'), deps.now());
  const codes = answer.codes.length > 0 ? ` (${answer.codes.join(', ')})` : '';
  const explain = {
    'rate-limited': `rate limited${retryAfterMs === undefined ? '' : `, retry after ${Math.ceil(retryAfterMs / 1000)}s`}`,
    unauthorized: 'access refused: credentials missing or wrong',
    'not-found': 'not found',
    unavailable: 'the registry is unavailable',
    'bad-response': 'unexpected answer',
  }[kind];
  return new RegistryError(`${req.subject}: ${WHAT[req.kind]} request got HTTP ${answer.status}${codes}: ${explain}`,
    { host: req.ref.domain, repository: repositoryName(req.ref), kind, status: answer.status, retryAfterMs });
}

// The body, or undefined when it is larger than `max` bytes (the rest is not read).
async function readBody(res: Response, max: number): Promise<Buffer | undefined> {
  if (Number(res.headers.get('content-length') ?? 0) > max || !res.body) {
    await res.body?.cancel().catch(() => {});
    return res.body ? undefined : Buffer.alloc(0);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.byteLength;
    if (size > max) {
      await res.body.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

// The `code`s of a distribution error body (`{"errors": [{"code": "MANIFEST_UNKNOWN", ...}]}`), if it is one.
function errorCodes(body: Buffer): string[] {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    const errors = (parsed as { errors?: unknown }).errors;
    if (!Array.isArray(errors)) return [];
    return errors.map((e) => (e as { code?: unknown })?.code).filter((c): c is string => typeof c === 'string' && /^[A-Z_]+$/.test(c));
  } catch {
    return [];
  }
}

// `fetch failed` says nothing; its cause (ECONNREFUSED, ENOTFOUND, a TLS error) says what went wrong.
function networkCause(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  return cause instanceof Error ? cause.message.slice(0, 200) : String(cause);
}
