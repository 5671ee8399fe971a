import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Route } from '../http/http-server.ts';
import { readBody } from '../http/read-body.ts';
import { FluxApiError, FluxErrorType, sendFluxError, sendJson, userError } from './jobs/api-error.ts';
import type { FluxJobs } from './jobs/flux-jobs.ts';
import type { FluxSpec } from './jobs/job-result.ts';
import { parseUpdateRequest } from './jobs/parse-update.ts';

// What the write routes need: the job queue (any replica enqueues and answers), and the commits still to sync.
export interface FluxWriteDeps {
  jobs: Pick<FluxJobs, 'enqueue' | 'status'>;
  pending: (ref: string | null) => Promise<string[]>;
  onError?: (err: unknown) => void;
}

const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(req);
  if (body === undefined) throw userError('body', 'larger than 1 MiB');
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw userError('body', 'is not JSON');
  }
}

// `POST /v9/update-manifests`: checks the request and queues it as a job; answers the job id (a JSON string).
async function updateManifests(req: IncomingMessage, deps: FluxWriteDeps): Promise<string> {
  const body = await jsonBody(req);
  const request = parseUpdateRequest(body);
  const raw = body as { spec?: unknown };
  const spec: FluxSpec = { type: request.type, cause: { Message: request.cause.message, User: request.cause.user }, spec: raw.spec ?? null };
  return deps.jobs.enqueue({ request, spec });
}

// `GET /v6/jobs?id=`: fluxd's job status; an unknown id is a `missing` error, as fluxd answered.
async function jobStatus(id: string | null, deps: FluxWriteDeps): Promise<unknown> {
  if (!id || !JOB_ID.test(id)) throw userError('id', 'must be a job id as POST /v9/update-manifests answered');
  const status = await deps.jobs.status(id);
  if (!status) throw new FluxApiError(FluxErrorType.missing, `unknown job ${id} (jobs are kept a day after they end)`);
  return status;
}

// The fluxd API's write side under /api/flux: `POST /v9/update-manifests` (sync, image releases incl. dry runs,
// policy changes) queued as jobs, `GET /v6/jobs?id=` (queued, running, failed, succeeded with the commit and
// the results), `GET /v6/sync?ref=` (the commits not yet applied by the sync daemon; [] once applied).
export function fluxWriteRoutes(deps: FluxWriteDeps): Route {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://capstan.invalid');
    const path = url.pathname;
    let answer: () => Promise<unknown>;
    if (req.method === 'POST' && path === '/api/flux/v9/update-manifests') answer = () => updateManifests(req, deps);
    else if (req.method === 'GET' && path === '/api/flux/v6/jobs') answer = () => jobStatus(url.searchParams.get('id'), deps);
    else if (req.method === 'GET' && path === '/api/flux/v6/sync') answer = () => deps.pending(url.searchParams.get('ref'));
    else return false;
    try {
      sendJson(res, await answer());
    } catch (err) {
      if (!(err instanceof FluxApiError) || err.type === FluxErrorType.server) deps.onError?.(err);
      sendFluxError(res, err);
    }
    return true;
  };
}
