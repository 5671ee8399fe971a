// What went wrong with a registry, sorted by what the scanner does next: rate-limited and unavailable wait and
// retry; unauthorized and not-found need a person (credentials, the image name); bad-response is the registry's.
export const RegistryErrorKind = {
  rateLimited: 'rate-limited',
  unauthorized: 'unauthorized',
  notFound: 'not-found',
  unavailable: 'unavailable',
  badResponse: 'bad-response',
} as const;
export type RegistryErrorKind = (typeof RegistryErrorKind)[keyof typeof RegistryErrorKind];

// The fields of a RegistryError besides its message.
export interface RegistryErrorDetails {
  host: string;
  // `domain/path`, as repositoryName gives it.
  repository: string;
  kind: RegistryErrorKind;
  status?: number | undefined;
  retryAfterMs?: number | undefined;
  cause?: unknown;
}

// A failed registry request. The message names the repository (and tag) and the HTTP status; it never holds
// credentials, tokens or headers.
export class RegistryError extends Error {
  override name = 'RegistryError';
  readonly host: string;
  readonly repository: string;
  readonly status?: number;
  readonly kind: RegistryErrorKind;
  readonly retryAfterMs?: number;
  constructor(message: string, details: RegistryErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.host = details.host;
    this.repository = details.repository;
    this.kind = details.kind;
    if (details.status !== undefined) this.status = details.status;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }
}

// Retry-After (delay-seconds or an HTTP date) in milliseconds, never negative; undefined when absent or unreadable.
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  const value = header?.trim() ?? '';
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = value === '' ? Number.NaN : Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

// The error kind for a failed answer: its status, or the distribution error codes of its body when they say
// more (some registries answer MANIFEST_UNKNOWN or TOOMANYREQUESTS with another status).
export function kindOfAnswer(status: number, codes: readonly string[]): RegistryErrorKind {
  if (status === 429 || codes.includes('TOOMANYREQUESTS')) return RegistryErrorKind.rateLimited;
  if (status === 404 || codes.some((c) => c === 'MANIFEST_UNKNOWN' || c === 'NAME_UNKNOWN' || c === 'BLOB_UNKNOWN')) {
    return RegistryErrorKind.notFound;
  }
  if (status === 401 || status === 403 || codes.includes('UNAUTHORIZED') || codes.includes('DENIED')) {
    return RegistryErrorKind.unauthorized;
  }
  if (status >= 500) return RegistryErrorKind.unavailable;
  return RegistryErrorKind.badResponse;
}
