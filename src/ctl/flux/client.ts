import { CtlError, ExitCode } from '../exit.ts';

// Where the fluxd API is and how to prove who calls it: --url/FLUX_URL (e.g. http://127.0.0.1:3030/api/flux),
// --token/FLUX_SERVICE_TOKEN (sent as `Authorization: Scope-Probe token=…`, as fluxctl sends it).
export interface FluxTarget { url: string; token?: string; timeoutMs: number }

// The fluxd API as fluxctl 1.25.4 calls it: JSON in and out, fluxd's error format decoded.
export interface FluxClient {
  get(path: string, query?: Record<string, string>): Promise<unknown>;
  post(path: string, body: unknown): Promise<unknown>;
}

// fluxd's error body: `{Type, Help, Err}`.
interface FluxErrorBody { Type?: string; Help?: string; Err?: string }

// A failed answer as a CtlError: 401 unauthorized, a `missing` error or 404 not found (exit 3), else exit 1.
async function answerError(res: Response, what: string): Promise<CtlError> {
  if (res.status === 401) return new CtlError(`${what}: unauthorized (give --token or FLUX_SERVICE_TOKEN)`, ExitCode.failed);
  const text = await res.text();
  let message = text.trim() || res.statusText;
  let missing = res.status === 404;
  if ((res.headers.get('content-type') ?? '').includes('application/json')) {
    try {
      const body = JSON.parse(text) as FluxErrorBody;
      message = (body.Help || body.Err || message).trim();
      missing ||= body.Type === 'missing';
    } catch {
      // the body as it is
    }
  }
  return new CtlError(`${what}: ${res.status}: ${message}`, missing ? ExitCode.unreachable : ExitCode.failed);
}

// A client of `target`; `fetchImpl` for tests. Unreachable (connection refused, timeout) is exit 3.
export function fluxClient(target: FluxTarget, fetchImpl: typeof fetch = fetch): FluxClient {
  const base = target.url.replace(/\/+$/, '');
  const headers: Record<string, string> = { Accept: 'application/json', ...(target.token ? { Authorization: `Scope-Probe token=${target.token}` } : {}) };
  const call = async (method: string, path: string, query?: Record<string, string>, body?: unknown): Promise<unknown> => {
    const qs = query ? `?${new URLSearchParams(query).toString()}` : '';
    const what = `${method} ${path}`;
    let res: Response;
    try {
      res = await fetchImpl(`${base}${path}${qs}`, {
        method, signal: AbortSignal.timeout(target.timeoutMs),
        headers: body === undefined ? headers : { ...headers, 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      const cause = (err as Error & { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new CtlError(`executing HTTP request: ${what} at ${base}: ${cause}`, ExitCode.unreachable, { cause: err });
    }
    if (![200, 201, 202, 204].includes(res.status)) throw await answerError(res, what);
    const text = await res.text();
    if (!text) return undefined;
    return (res.headers.get('content-type') ?? '').includes('json') ? (JSON.parse(text) as unknown) : text;
  };
  return {
    get: (path, query) => call('GET', path, query),
    post: (path, body) => call('POST', path, undefined, body),
  };
}
