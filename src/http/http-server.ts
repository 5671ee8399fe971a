import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { presentedToken } from './presented-token.ts';
import { AuthDecision, closedRoutesWarning, decideRouteAuth, isLoopbackAddress, RouteKind, routeKind, type ListenerAuth } from './route-auth.ts';
import { sameSecret } from './same-secret.ts';

// Extra routes a role mounts (the dashboard); return true when handled.
export type Route = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

// The listener's options; `apiToken` and `dashboardToken` unset mean no such token (see route-auth.ts for what
// each admits); `warn` receives the start-up warning when routes are closed for want of a token.
export interface HttpServerOptions {
  host: string;
  port: number;
  registry: Registry;
  ready: () => boolean;
  routes?: Route[];
  apiToken?: string | undefined;
  dashboardToken?: string | undefined;
  warn?: (message: string) => void;
}

// Answers a request its route's guard refused: 401 with a challenge (Basic for the dashboard, so a browser
// asks), or 403 when no token could open the route.
function refuse(res: ServerResponse, kind: RouteKind, decision: AuthDecision): void {
  if (decision === AuthDecision.Closed) {
    res.writeHead(403, { 'Content-Type': 'text/plain' }).end('closed: this listener is not loopback and no --api-token is set\n');
    return;
  }
  const challenge = kind === RouteKind.Dashboard ? 'Basic realm="capstan", charset="UTF-8"' : 'Bearer realm="capstan"';
  res.writeHead(401, { 'WWW-Authenticate': challenge, 'Content-Type': 'text/plain' }).end('token required\n');
}

// The one HTTP listener of a process: /healthz, /readyz (true once `ready()` says so), /metrics, then `routes`,
// each request first passed through the route guard (route-auth.ts).
export async function startHttpServer(opts: HttpServerOptions): Promise<Server> {
  let listener: ListenerAuth | undefined;
  const auth = (): ListenerAuth => {
    listener ??= {
      loopback: isLoopbackAddress((server.address() as AddressInfo | null)?.address ?? ''),
      apiToken: opts.apiToken !== undefined, dashboardToken: opts.dashboardToken !== undefined,
    };
    return listener;
  };
  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const kind = routeKind(path);
      if (kind !== RouteKind.Open && kind !== RouteKind.Hook) {
        const given = presentedToken(req.headers);
        const presented = {
          api: given !== undefined && opts.apiToken !== undefined && sameSecret(given, opts.apiToken),
          dashboard: given !== undefined && opts.dashboardToken !== undefined && sameSecret(given, opts.dashboardToken),
        };
        const decision = decideRouteAuth(kind, auth(), presented);
        if (decision !== AuthDecision.Allow) return refuse(res, kind, decision);
      }
      if (path === '/healthz') return void res.end('OK');
      if (path === '/readyz') {
        res.statusCode = opts.ready() ? 200 : 503;
        return void res.end(opts.ready() ? 'OK' : 'not ready');
      }
      if (path === '/metrics') {
        res.setHeader('Content-Type', opts.registry.contentType);
        return void res.end(await opts.registry.metrics());
      }
      for (const route of opts.routes ?? []) if (await route(req, res)) return;
      res.statusCode = 404;
      res.end('not found');
    })().catch(() => {
      res.statusCode = 500;
      res.end('internal error');
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(opts.port, opts.host, resolve));
  const warning = closedRoutesWarning(auth());
  if (warning) opts.warn?.(warning);
  return server;
}
