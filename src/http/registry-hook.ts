import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidImageRef, parseImageRef, repositoryName } from '../image/image-ref.ts';
import type { Route } from './http-server.ts';
import { readBody } from './read-body.ts';
import { sameSecret } from './same-secret.ts';

// The repositories a registry's push notification names, as `domain/path`: distribution's notification envelope
// (`events[]` with `action: push`, `target.repository`, `request.host`; what docker-registry, Harbor and GitLab's
// registry send) or a Docker Hub webhook (`repository.repo_name`). Undefined when the payload is neither, so the
// caller rescans everything.
export function pushedRepositories(payload: unknown): string[] | undefined {
  const names = new Set<string>();
  const add = (written: string) => {
    try {
      names.add(repositoryName(parseImageRef(written)));
    } catch (err) {
      if (!(err instanceof InvalidImageRef)) throw err;
    }
  };
  const p = payload as { events?: unknown; repository?: { repo_name?: unknown } } | null;
  if (Array.isArray(p?.events)) {
    for (const e of p.events as Array<{ action?: unknown; target?: { repository?: unknown; mediaType?: unknown; tag?: unknown }; request?: { host?: unknown } }>) {
      const manifest = typeof e?.target?.tag === 'string' || /manifest|index/.test(String(e?.target?.mediaType ?? ''));
      if (e?.action !== 'push' || !manifest || typeof e.target?.repository !== 'string') continue;
      add(typeof e.request?.host === 'string' ? `${e.request.host}/${e.target.repository}` : e.target.repository);
    }
    return [...names];
  }
  if (typeof p?.repository?.repo_name === 'string') {
    add(p.repository.repo_name);
    return [...names];
  }
  return undefined;
}

// The token a registry webhook presents: `Authorization: Bearer <token>` (distribution's endpoint `headers`), or
// `?token=` for registries that can only be given a URL (Docker Hub).
function presentedToken(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7);
  return new URL(req.url ?? '/', 'http://x').searchParams.get('token') ?? undefined;
}

// `POST /hooks/registry`: a registry's push notification nudges image automation to re-list the pushed
// repositories at once instead of at the next --automation-interval. Served only with --webhook-secret, and
// answered 401 unless the request carries it.
export function registryHookRoute(secret: string | undefined, nudge: (repositories: string[] | undefined) => void): Route {
  return async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || (req.url ?? '/').split('?')[0] !== '/hooks/registry') return false;
    const payload = await readBody(req);
    const token = presentedToken(req);
    const refusal = payload === undefined ? ([413, 'payload too large'] as const)
      : !secret ? ([404, 'no --webhook-secret set'] as const)
      : token === undefined || !sameSecret(token, secret) ? ([401, 'bad token'] as const)
      : undefined;
    if (refusal || payload === undefined) {
      res.writeHead(refusal?.[0] ?? 413).end(refusal?.[1]);
      return true;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload.toString('utf8'));
    } catch {
      res.writeHead(400).end('expected a JSON body');
      return true;
    }
    const repositories = pushedRepositories(parsed);
    if (repositories?.length !== 0) nudge(repositories);
    res.writeHead(202).end(repositories ? `scanning ${repositories.length} repositories` : 'scanning');
    return true;
  };
}
