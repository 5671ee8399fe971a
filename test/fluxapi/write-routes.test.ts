import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { FluxJobData } from '../../src/fluxapi/jobs/flux-jobs.ts';
import type { FluxJobStatus } from '../../src/fluxapi/jobs/job-result.ts';
import { fluxWriteRoutes } from '../../src/fluxapi/write-routes.ts';

describe('the fluxd write routes', () => {
  const queued: FluxJobData[] = [];
  const statuses = new Map<string, FluxJobStatus>();
  const id = '6f1c2a9e-1b2c-4d3e-8f4a-0123456789ab';
  let server: Server;
  let base = '';
  before(async () => {
    const route = fluxWriteRoutes({
      jobs: { enqueue: async (data) => { queued.push(data); return id; }, status: async (jobId) => statuses.get(jobId) },
      pending: async (ref) => (ref === 'abc123' ? ['abc123'] : []),
    });
    server = createServer((req, res) => void (async () => { if (!(await route(req, res))) res.writeHead(404).end(); })());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/flux`;
  });
  after(() => server.close());
  const post = (body: string) => fetch(`${base}/v9/update-manifests`, { method: 'POST', body });

  it('queues an update and answers its id as a JSON string; the job keeps the request as sent', async () => {
    const res = await post(JSON.stringify({ type: 'sync', cause: { Message: '', User: 'ann' }, spec: {} }));
    assert.equal(res.status, 200);
    assert.equal(await res.json(), id);
    assert.deepEqual(queued.at(-1), { request: { type: 'sync', cause: { message: '', user: 'ann' } }, spec: { type: 'sync', cause: { Message: '', User: 'ann' }, spec: {} } });
  });

  it('answers a bad body with flux\'s user error (400) naming the field, and queues nothing', async () => {
    const before = queued.length;
    for (const [body, field] of [['{', 'body'], ['{"type":"image","spec":{"ServiceSpecs":["<all>"],"ImageSpec":"x:1","Kind":"now"}}', 'spec.Kind']]) {
      const res = await post(body as string);
      assert.equal(res.status, 400);
      const err = await res.json() as { Type: string; Err: string; Help: string };
      assert.equal(err.Type, 'user');
      assert.ok(err.Err.startsWith(`${field}: `), err.Err);
    }
    assert.equal(queued.length, before);
  });

  it('answers a job\'s status; an unknown job is missing (404); a malformed id is a user error', async () => {
    statuses.set(id, { StatusString: 'succeeded', Err: '', Result: { revision: 'abc' } });
    const res = await fetch(`${base}/v6/jobs?id=${id}`);
    assert.deepEqual(await res.json(), { StatusString: 'succeeded', Err: '', Result: { revision: 'abc' } });
    assert.equal((await fetch(`${base}/v6/jobs?id=${id.replace('6f', '7f')}`)).status, 404);
    assert.equal((await fetch(`${base}/v6/jobs?id=..%2Fx`)).status, 400);
  });

  it('answers the commits still to sync for a ref', async () => {
    assert.deepEqual(await (await fetch(`${base}/v6/sync?ref=abc123`)).json(), ['abc123']);
    assert.deepEqual(await (await fetch(`${base}/v6/sync?ref=def`)).json(), []);
  });
});
