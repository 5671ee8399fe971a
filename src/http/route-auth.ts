import { BlockList, isIPv4, isIPv6 } from 'node:net';

// What guards a route of the one HTTP listener.
export const RouteKind = {
  Open: 'open', // /metrics, /healthz, /readyz: scraped and probed without credentials
  Hook: 'hook', // /hooks/git, /hooks/registry: authenticated by --webhook-secret (signature or token), not the API token
  Dashboard: 'dashboard', // /dashboard and /releases (its page, data and live events): the API token or the dashboard token
  Api: 'api', // everything else (/api/capstan/v1/*, /api/flux/*, unknown paths): the API token
} as const;
export type RouteKind = (typeof RouteKind)[keyof typeof RouteKind];

const OPEN = new Set(['/metrics', '/healthz', '/readyz']);
const HOOKS = new Set(['/hooks/git', '/hooks/registry']);
export const DASHBOARD_PATH = '/dashboard';
export const RELEASES_PATH = '/releases';

// The kind of a request path (the URL without its query). Only exact paths are open; anything unknown is Api,
// so a route added later is guarded until someone decides otherwise.
export function routeKind(path: string): RouteKind {
  if (OPEN.has(path)) return RouteKind.Open;
  if (HOOKS.has(path)) return RouteKind.Hook;
  if (path === DASHBOARD_PATH || path.startsWith(`${DASHBOARD_PATH}/`)) return RouteKind.Dashboard;
  if (path === RELEASES_PATH || path.startsWith(`${RELEASES_PATH}/`)) return RouteKind.Dashboard;
  return RouteKind.Api;
}

// The listener's settings that the decision needs: whether it is bound to loopback only, and which tokens are set.
export interface ListenerAuth { loopback: boolean; apiToken: boolean; dashboardToken: boolean }

// Which configured tokens the request presented (each false when that token is not configured).
export interface PresentedTokens { api: boolean; dashboard: boolean }

export const AuthDecision = {
  Allow: 'allow',
  Unauthorized: 'unauthorized', // 401: a token would be accepted, and the request did not present it
  Closed: 'closed', // 403: no token is configured and the listener is not loopback, so nothing opens the route
} as const;
export type AuthDecision = (typeof AuthDecision)[keyof typeof AuthDecision];

// Decides whether a request may reach its route. Open routes and webhooks always pass (webhooks check their own
// secret). A configured --api-token guards every other route, even on loopback, and admits the dashboard too;
// --dashboard-token admits the dashboard only. Without a token that applies, only a loopback listener is open.
export function decideRouteAuth(kind: RouteKind, listener: ListenerAuth, presented: PresentedTokens): AuthDecision {
  if (kind === RouteKind.Open || kind === RouteKind.Hook) return AuthDecision.Allow;
  if (presented.api) return AuthDecision.Allow;
  const dashboard = kind === RouteKind.Dashboard;
  if (dashboard && presented.dashboard) return AuthDecision.Allow;
  if (listener.apiToken || (dashboard && listener.dashboardToken)) return AuthDecision.Unauthorized;
  return listener.loopback ? AuthDecision.Allow : AuthDecision.Closed;
}

// What to log at start-up when routes are closed for want of a token; undefined when nothing is closed.
export function closedRoutesWarning(listener: ListenerAuth): string | undefined {
  if (listener.loopback || listener.apiToken) return undefined;
  const closed = listener.dashboardToken ? '/api/*' : '/api/*, /dashboard and /releases';
  return `the listener is not loopback and no --api-token is set: ${closed} answer 403; set --api-token-file or CAPSTAN_API_TOKEN, or listen on 127.0.0.1`;
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
LOOPBACK.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

// Whether an address the listener is bound to is loopback: 127.0.0.0/8, ::1 or ::ffff:127.0.0.0/104. Any other
// address, a wildcard (0.0.0.0, ::) or a name is not.
export function isLoopbackAddress(address: string): boolean {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  if (isIPv4(bare)) return LOOPBACK.check(bare, 'ipv4');
  return isIPv6(bare) && LOOPBACK.check(bare, 'ipv6');
}
