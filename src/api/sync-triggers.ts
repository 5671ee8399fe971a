import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Route } from './http-server.ts';

const MAX_BODY = 1 << 20;

// A request body up to 1 MiB, or undefined when it is larger.

export async function body(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

// Compares two secrets in constant time.
export function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

// Whether a push webhook carries the shared secret: GitHub's X-Hub-Signature-256 (HMAC-SHA256 of the body) or
// GitLab's X-Gitlab-Token.
export function webhookAuthentic(headers: IncomingMessage['headers'], payload: Buffer, secret: string): boolean {
  const signature = headers['x-hub-signature-256'];
  if (typeof signature === 'string') return same(signature, `sha256=${createHmac('sha256', secret).update(payload).digest('hex')}`);
  const token = headers['x-gitlab-token'];
  return typeof token === 'string' && same(token, secret);
}

// Routes that start a sync at once: fluxd's `POST /api/flux/v11/notify` (what `fluxctl sync` and fluxd's
// webhook relays call; it can only cause an extra fetch) and `POST /hooks/git`, a GitHub/GitLab push webhook,
// served only when a secret is set and answered 401 unless the payload is signed with it.
export function syncTriggerRoutes(syncNow: () => void, webhookSecret: string | undefined): Route {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'POST' || (path !== '/api/flux/v11/notify' && path !== '/hooks/git')) return false;
    const payload = await body(req);
    const refusal = payload === undefined ? ([413, 'payload too large'] as const)
      : path !== '/hooks/git' ? undefined
      : !webhookSecret ? ([404, 'no --webhook-secret set'] as const)
      : !webhookAuthentic(req.headers, payload, webhookSecret) ? ([401, 'bad signature'] as const)
      : undefined;
    if (refusal) {
      res.writeHead(refusal[0]).end(refusal[1]);
      return true;
    }
    syncNow();
    res.writeHead(202).end('sync started');
    return true;
  };
}
