import type { IncomingMessage, ServerResponse } from 'node:http';
import { publicKeyOf } from '../git/identity.ts';
import type { Route } from './http-server.ts';

// `GET /api/flux/v6/identity.pub` (the route `fluxctl identity` calls): the public SSH key to add to the
// repository as a deploy key, as a JSON string. Never the private key.
export function identityRoute(keyFile: string): Route {
  return async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/api/flux/v6/identity.pub') return false;
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(await publicKeyOf(keyFile)));
    return true;
  };
}
