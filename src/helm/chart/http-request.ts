import { Phase } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../errors/stalling-error.ts';
import { WaitingError } from '../../errors/waiting-error.ts';
import { guardedFetch } from '../../net/guarded-fetch.ts';
import type { ClientTls } from '../../net/pinned-request.ts';
import { AddressRefusedError, type NetworkAccess, networkAccess } from '../../net/network-access.ts';
import { SECURE_DEFAULTS } from '../../security-config.ts';
import { DEFAULT_RETRY_AFTER_MS, failureForStatus } from './http-failure.ts';
import { redactUrl } from '../../redact.ts';
import type { BasicAuth } from './repository-url.ts';

// How requests to a chart repository are made; every field is optional.
export interface HttpOptions {
  // Limit for one request, from sending it to the end of its body. Default 30_000 ms.
  timeoutMs?: number;
  // The job's signal: when it aborts, the request stops and its reason is thrown as is. Default: none.
  signal?: AbortSignal;
  // Which addresses the repository and its redirects may resolve to. Default: public addresses only
  // (networkAccess(SECURE_DEFAULTS)); the worker passes networkAccess(config.security).
  network?: NetworkAccess;
  // The clock, for Retry-After dates. Default: Date.now.
  now?: () => number;
  // CA bundle and client certificate for an https:// repository (--helm-repository-import), sent to its own
  // origin only. Default: the system's CAs, no client certificate.
  tls?: ClientTls | undefined;
}

// The default of HttpOptions.timeoutMs.
export const DEFAULT_TIMEOUT_MS = 30_000;

// One GET to a repository.
export interface RepositoryRequest {
  url: URL;
  subject: 'index' | 'chart';
  auth?: BasicAuth | undefined;
  headers?: Record<string, string>;
  // Statuses handed to `read` besides 2xx (e.g. 304 for a conditional request).
  accept?: number[];
}

// GETs `req.url` through guardedFetch and runs `read` on the answer within the same timeout. An address the
// policy refuses (on any redirect hop) stalls on spec.chart.repository; network errors and timeouts become
// WaitingError, a non-2xx status the error failureForStatus picks; the caller's abort reason passes through.
export async function requestRepository<T>(
  req: RepositoryRequest, opts: HttpOptions, read: (res: Response, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const headers: Record<string, string> = { ...req.headers };
  if (req.auth) {
    headers.authorization = `Basic ${Buffer.from(`${req.auth.username}:${req.auth.password}`).toString('base64')}`;
  }
  try {
    const res = await guardedFetch(req.url, { headers, signal, access: opts.network ?? networkAccess(SECURE_DEFAULTS), tls: opts.tls });
    if (!res.ok && !req.accept?.includes(res.status)) {
      await res.body?.cancel().catch(() => {});
      const now = (opts.now ?? Date.now)();
      throw failureForStatus({ status: res.status, retryAfter: res.headers.get('retry-after'), subject: req.subject, url: req.url, now });
    }
    return await read(res, signal);
  } catch (error) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    if (error instanceof AddressRefusedError) {
      throw new StallingError(Phase.ChartFetchFailed, `${redactUrl(req.url)}: ${error.message}`, { field: 'spec.chart.repository', cause: error });
    }
    if (timeout.aborted && isAbort(error)) {
      throw new WaitingError(Phase.ChartFetchFailed,
        `${redactUrl(req.url)} timed out after ${timeoutMs / 1000}s`, DEFAULT_RETRY_AFTER_MS, { cause: error });
    }
    if (error instanceof TypeError) {
      const cause = networkCause(error);
      throw new WaitingError(Phase.ChartFetchFailed,
        `could not reach ${redactUrl(req.url)}: ${cause}${TLS_FAILURE.test(cause) ? TLS_HINT : ''}`, DEFAULT_RETRY_AFTER_MS, { cause: error });
    }
    throw error;
  }
}

// A failed TLS handshake (an unknown CA, a client certificate required or refused), and what fixes it.
const TLS_FAILURE = /CERT|SSL|TLS/;
const TLS_HINT = '; a private CA (caFile) or client certificate (certFile, keyFile) for this repository is given by an entry of --helm-repository-import';

// undici rejects with the signal's reason (TimeoutError) and stream pipelines with an AbortError.
function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function isSystemError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}

// `fetch failed` says nothing; its cause (ECONNREFUSED, ENOTFOUND, a TLS error) says what went wrong.
function networkCause(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (isSystemError(cause)) return `${cause.code}${cause.message && !cause.message.includes(cause.code) ? ` (${cause.message.trim()})` : ''}`;
  return cause instanceof Error ? cause.message : String(cause);
}
