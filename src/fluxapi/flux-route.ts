// Mounting one fluxd API handler under /api/flux, answering in fluxd's JSON (and its error format).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Route } from '../http/http-server.ts';
import { readBody } from '../http/read-body.ts';
import { sendFluxError, sendJson, userError } from './jobs/api-error.ts';

// Where fluxd's API lives on Capstan's listener (fluxctl's --url is http://HOST:PORT/api/flux).
export const FLUX_API_PREFIX = '/api/flux';

// What a handler gets: the query, and the body parsed as JSON (undefined when empty).
export interface FluxRequest {
  query: URLSearchParams;
  json(): Promise<unknown>;
}

// A handler answers the JSON value to send (200), or throws a FluxApiError (anything else is a server error
// whose message is not shown).
export type FluxHandler = (req: FluxRequest) => Promise<unknown>;

// A Route answering `method` at each of `paths` (relative to /api/flux, e.g. `/v6/services`).
export function fluxRoute(method: 'GET' | 'POST', paths: readonly string[], handler: FluxHandler, onError?: (err: unknown) => void): Route {
  const full = new Set(paths.map((p) => `${FLUX_API_PREFIX}${p}`));
  return async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://capstan.invalid');
    if (req.method !== method || !full.has(url.pathname)) return false;
    try {
      sendJson(res, await handler({ query: url.searchParams, json: () => jsonBody(req) }));
    } catch (err) {
      onError?.(err);
      sendFluxError(res, err);
    }
    return true;
  };
}

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(req);
  if (body === undefined) throw userError('body', 'larger than 1 MiB');
  const text = body.toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw userError('body', 'not JSON');
  }
}
