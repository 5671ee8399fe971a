import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import express from 'express';
import type { Route } from './http-server.ts';

export const DASHBOARD_PATH = '/dashboard';

function tokenMatches(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const given = header.startsWith('Bearer ') ? header.slice(7)
    : header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8').split(':').slice(1).join(':')
    : '';
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

// The queue dashboard (bull-board) at /dashboard: every release job, its reason, attempts and errors. Job data
// holds identity and reason only, so nothing secret is shown. With --dashboard-token it asks for the token
// (Bearer, or Basic with the token as password) and allows retry/clean; without one it is read-only.
export function dashboardRoute(queues: readonly Queue[], token: string | undefined): Route {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: !token, description: 'HelmRelease jobs (namespace/name)' })),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'Capstan releases' } },
  });
  const app = express();
  app.use(DASHBOARD_PATH, adapter.getRouter() as express.Router);
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path !== DASHBOARD_PATH && !path.startsWith(`${DASHBOARD_PATH}/`)) return false;
    if (token && !tokenMatches(req, token)) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="capstan dashboard"' }).end('dashboard token required');
      return true;
    }
    app(req as express.Request, res as express.Response);
    return true;
  };
}
