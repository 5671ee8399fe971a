import { repositoryName } from '../image-ref.ts';
import type { RegistryCredentials } from '../../docker-config.ts';
import { type AuthCache, createAuthCache } from './auth-cache.ts';
import { RegistryError, RegistryErrorKind } from './registry-error.ts';
import { type Answer, failure, type RegistryRequest, type RequestDeps, send } from './registry-request.ts';

// A WWW-Authenticate challenge: its scheme (lowercase) and parameters (realm, service, scope…).
export interface Challenge { scheme: string; params: Record<string, string> }

// The first challenge of a WWW-Authenticate header, e.g. `Bearer realm="https://auth.example/token",service="x"`.
export function parseChallenge(header: string | null): Challenge | undefined {
  const m = header ? /^\s*([A-Za-z][\w-]*)(?:\s+(.*))?$/s.exec(header) : null;
  if (!m?.[1]) return undefined;
  const params: Record<string, string> = {};
  const param = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]*))\s*(?:,\s*|$)/y;
  const rest = m[2] ?? '';
  for (let p = param.exec(rest); p?.[1]; p = param.exec(rest)) {
    params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? '');
  }
  return { scheme: m[1].toLowerCase(), params };
}

// Everything an authorized request needs: the request deps, the logins by registry domain and, to share what
// was learnt about logins with other clients (those of later scans), an AuthCache (default: one of its own).
export interface AuthDeps extends RequestDeps {
  credentials: (domain: string) => RegistryCredentials | undefined;
  authCache?: AuthCache | undefined;
}

// GETs a registry resource, answering its challenge: anonymous first (or with the token cached for the host and
// the repository's pull scope, or Basic for a host known to want it), then on 401 once more with Basic credentials
// or a bearer token from the challenge's realm. Returns a 2xx answer; anything else throws a RegistryError.
export type AuthorizedGet = (req: RegistryRequest) => Promise<Answer>;

// The GET of a client, with its token cache (per host, scope and login, until the token's expires_in runs out).
export function createAuthorizedGet(deps: AuthDeps): AuthorizedGet {
  const cache = deps.authCache ?? createAuthCache();

  return async (req) => {
    const { domain } = req.ref;
    const scope = `repository:${req.ref.path}:pull`;
    const login = deps.credentials(domain);
    const key = { domain, scope, login };
    const basic = login ? `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}` : undefined;
    const token = cache.token(key, deps.now());
    const first = token !== undefined ? `Bearer ${token}` : cache.wantsBasic(domain) ? basic : undefined;
    let answer = await send(deps, req, first);
    if (answer.status === 401) {
      const challenge = parseChallenge(answer.headers.get('www-authenticate'));
      let next: string | undefined;
      if (challenge?.scheme === 'basic' && basic && first !== basic) {
        cache.markBasic(domain);
        next = basic;
      } else if (challenge?.scheme === 'bearer' && challenge.params.realm) {
        cache.dropToken(key);
        const fresh = await fetchToken(deps, req, { challenge, scope, basic });
        cache.putToken(key, fresh);
        next = `Bearer ${fresh.value}`;
      }
      if (next !== undefined) answer = await send(deps, req, next);
    }
    if (answer.status < 200 || answer.status >= 300) throw failure(deps, req, answer);
    return answer;
  };
}

// The default lifetime of a token without expires_in, and how early a cached token is dropped.
const DEFAULT_TOKEN_SECONDS = 60;
const EXPIRY_MARGIN_MS = 5_000;

// GETs a bearer token from the challenge's realm for `scope`, with Basic credentials when there are any. The
// realm is used as given, but an https registry's token is never fetched over plain http.
async function fetchToken(
  deps: RequestDeps, req: RegistryRequest, opts: { challenge: Challenge; scope: string; basic: string | undefined },
): Promise<{ value: string; expiresAt: number }> {
  const bad = (why: string) => new RegistryError(`${req.subject}: ${why}`,
    { host: req.ref.domain, repository: repositoryName(req.ref), kind: RegistryErrorKind.badResponse });
  let url: URL;
  try {
    url = new URL(opts.challenge.params.realm ?? '');
  } catch {
    throw bad('the registry challenged for a bearer token with a realm that is not a URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && req.url.protocol === 'http:')) {
    throw bad(`the registry's token realm uses ${url.protocol} where https: is required`);
  }
  if (opts.challenge.params.service) url.searchParams.set('service', opts.challenge.params.service);
  url.searchParams.set('scope', opts.scope);
  const tokenReq: RegistryRequest = {
    ...req, kind: 'token', url, headers: { accept: 'application/json' }, maxBytes: 1024 * 1024,
  };
  const answer = await send(deps, tokenReq, opts.basic);
  if (answer.status < 200 || answer.status >= 300) throw failure(deps, tokenReq, answer);
  let body: { token?: unknown; access_token?: unknown; expires_in?: unknown } | null;
  try {
    body = JSON.parse(answer.body.toString('utf8'));
  } catch {
    throw bad('the token server answered with something other than JSON');
  }
  if (typeof body !== 'object' || body === null) throw bad('the token server answered without a token');
  const value = typeof body.token === 'string' && body.token ? body.token : body.access_token;
  if (typeof value !== 'string' || value === '') throw bad('the token server answered without a token');
  const seconds = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : DEFAULT_TOKEN_SECONDS;
  return { value, expiresAt: deps.now() + Math.max(0, seconds * 1000 - EXPIRY_MARGIN_MS) };
}
