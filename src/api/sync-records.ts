import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SyncRecord } from '../sync/sync-source.ts';
import type { Route } from './http-server.ts';

// `GET /api/capstan/v1/sync`: the last record of each Git source (revision, applied, unchanged, failed with the
// API server's messages, load errors with file and line, deleted, GC refusals, duration). Ids and messages only:
// no object bodies, no credentials.
export function syncRecordsRoute(records: () => Array<{ source: string; url: string; record: SyncRecord | undefined }>): Route {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/api/capstan/v1/sync') return false;
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ sources: records() }));
    return true;
  };
}
