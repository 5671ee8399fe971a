import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

// Extra routes a role mounts (the dashboard); return true when handled.
export type Route = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

// The one HTTP listener of a process: /healthz, /readyz (true once `ready()` says so), /metrics, then `routes`.
export async function startHttpServer(opts: { host: string; port: number; registry: Registry; ready: () => boolean; routes?: Route[] }): Promise<Server> {
  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0];
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
  return server;
}
