import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Job, Queue } from 'bullmq';
import type { HelmRelease } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import type { ReleaseJob } from '../../helm/queue/release-job.ts';
import type { Route } from '../http-server.ts';
import { DASHBOARD_PATH, RELEASES_PATH } from '../route-auth.ts';
import { PAGE_HTML, PAGE_SCRIPT } from './page-html.ts';
import { releaseRows, type JobView } from './release-rows.ts';

// The newest jobs of each finished state read per refresh; queued ones are read in full up to this many too.
const JOBS_READ = 200;
const HEADERS = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': "default-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'" };

async function jobViews(queue: Queue<ReleaseJob>): Promise<JobView[]> {
  const states = ['active', 'waiting', 'prioritized', 'delayed', 'completed', 'failed'] as const;
  const lists = await Promise.all(states.map(async (state) => (await queue.getJobs([state], 0, JOBS_READ - 1)).map((j) => view(j, state))));
  return lists.flat().filter((j): j is JobView => j !== undefined);
}

function view(j: Job<ReleaseJob> | undefined, state: string): JobView | undefined {
  if (!j?.id || !j.data) return undefined;
  return {
    id: j.id, state, namespace: j.data.namespace, name: j.data.name, reason: j.data.reason, attemptsMade: j.attemptsMade,
    timestamp: j.timestamp, processedOn: j.processedOn, finishedOn: j.finishedOn, failedReason: j.failedReason,
    outcome: typeof j.returnvalue === 'string' ? j.returnvalue : undefined,
  };
}

// /releases (the page), /releases/app.js (its script) and /releases/data (the rows as JSON, which the page polls).
// Guarded like the dashboard (route-auth.ts); served by the operator, from its watch of HelmReleases and the queue.
export function releasesRoute(opts: { queue: Queue<ReleaseJob>; releases: () => HelmRelease[] }): Route {
  const dashboardJob = (id: string) => `${DASHBOARD_PATH}/queue/${encodeURIComponent(opts.queue.name)}/${encodeURIComponent(id)}`;
  return async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path !== RELEASES_PATH && !path.startsWith(`${RELEASES_PATH}/`)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return true;
    }
    if (path === RELEASES_PATH) res.writeHead(200, { ...HEADERS, 'Content-Type': 'text/html; charset=utf-8' }).end(PAGE_HTML);
    else if (path === `${RELEASES_PATH}/app.js`) res.writeHead(200, { ...HEADERS, 'Content-Type': 'text/javascript; charset=utf-8' }).end(PAGE_SCRIPT);
    else if (path === `${RELEASES_PATH}/data`) {
      const rows = releaseRows(opts.releases(), await jobViews(opts.queue), { dashboardJob });
      res.writeHead(200, { ...HEADERS, 'Content-Type': 'application/json' }).end(JSON.stringify(rows));
    } else res.writeHead(404, HEADERS).end('not found');
    return true;
  };
}
