import type { IncomingMessage, ServerResponse } from 'node:http';
import { stripUserInfo } from '../redact.ts';
import type { Route } from './http-server.ts';

// `GET <path>`: the last record of each Git source, as `{sources: [...]}`. For `/api/capstan/v1/sync`: revision,
// applied, unchanged, failed with the API server's messages, load errors with file and line, deleted, GC
// refusals, duration. For `/api/capstan/v1/images`: the image updates pushed and the containers skipped with why.
// Ids and messages only: no object bodies, no credentials (and any URL user info in a string is stripped).
export function recordsRoute(path: string, records: () => unknown[]): Route {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== path) return false;
    const body = JSON.stringify({ sources: records() }, (_key, value: unknown) => (typeof value === 'string' ? stripUserInfo(value) : value));
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
    return true;
  };
}
