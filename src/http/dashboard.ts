import type { IncomingMessage, ServerResponse } from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import express from 'express';
import type { Route } from './http-server.ts';
import { DASHBOARD_PATH } from './route-auth.ts';

export { DASHBOARD_PATH };

// The queue dashboard (bull-board) at /dashboard: every release job, its reason, attempts and errors. Job data
// holds identity and reason only, so nothing secret is shown. Who may open it is the HTTP server's route guard
// (route-auth.ts: --dashboard-token or --api-token); `writable` (set with --dashboard-token) allows retry/clean,
// else it is read-only.
export function dashboardRoute(queues: readonly Queue[], writable: boolean): Route {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: !writable, description: 'HelmRelease jobs (namespace/name)' })),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'Capstan releases' } },
  });
  const app = express();
  app.use(DASHBOARD_PATH, adapter.getRouter() as express.Router);
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path !== DASHBOARD_PATH && !path.startsWith(`${DASHBOARD_PATH}/`)) return false;
    app(req as express.Request, res as express.Response);
    return true;
  };
}
