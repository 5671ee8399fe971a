import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Route } from './http-server.ts';
import { readBody } from './read-body.ts';
import { sameSecret } from './same-secret.ts';

// Whether a push webhook carries the shared secret: GitHub's X-Hub-Signature-256 (HMAC-SHA256 of the body) or
// GitLab's X-Gitlab-Token.
export function webhookAuthentic(headers: IncomingMessage['headers'], payload: Buffer, secret: string): boolean {
  const signature = headers['x-hub-signature-256'];
  if (typeof signature === 'string') return sameSecret(signature, `sha256=${createHmac('sha256', secret).update(payload).digest('hex')}`);
  const token = headers['x-gitlab-token'];
  return typeof token === 'string' && sameSecret(token, secret);
}

// Routes that start a sync at once: fluxd's `POST /api/flux/v11/notify` (what `fluxctl sync` and fluxd's
// webhook relays call; it can only cause an extra fetch; guarded by the API token as every /api route) and
// `POST /hooks/git`, a GitHub/GitLab push webhook, served only when a secret is set and answered 401 unless the
// payload is signed with it (the API token does not apply: GitHub and GitLab can only send their own headers).
export function syncTriggerRoutes(syncNow: () => void, webhookSecret: string | undefined): Route {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'POST' || (path !== '/api/flux/v11/notify' && path !== '/hooks/git')) return false;
    const payload = await readBody(req);
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
