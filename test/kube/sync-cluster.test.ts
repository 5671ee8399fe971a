import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { realSyncCluster } from '../../src/kube/sync-cluster.ts';
import { type ApiRequest, type FakeApiServer, json, startFakeApiServer } from './fake-api-server.ts';

// Discovery as the API server answers it: ConfigMaps (namespaced, with a status-like subresource listed first to
// show it is skipped), Namespaces (cluster-scoped), apps/v1 Deployments; no other group version exists.
const RESOURCES: Record<string, unknown[]> = {
  '/api/v1': [
    { name: 'configmaps/status', kind: 'ConfigMap', namespaced: true, verbs: ['get'] },
    { name: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: ['get', 'list', 'patch', 'delete'] },
    { name: 'namespaces', kind: 'Namespace', namespaced: false, verbs: ['get', 'list', 'patch', 'delete'] },
  ],
  '/apis/apps/v1': [{ name: 'deployments', kind: 'Deployment', namespaced: true, verbs: ['get', 'list', 'patch', 'delete'] }],
};
const STORED = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'apps', uid: 'u1', annotations: { note: 'x' } } };
const status = (code: number, message: string) => ({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code });

describe('realSyncCluster against a fake API server', () => {
  let server: FakeApiServer;
  const bodies: string[] = [];
  const handle = (req: ApiRequest, res: ServerResponse, raw: IncomingMessage): void => {
    const chunks: Buffer[] = [];
    raw.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      const path = req.url.pathname;
      const resources = RESOURCES[path];
      if (req.method === 'GET' && resources) return json(res, { kind: 'APIResourceList', resources });
      if (path === '/api/v1/namespaces/apps/configmaps/settings' && req.method === 'GET') return json(res, STORED);
      if (path.endsWith('/configmaps/bad')) return json(res, status(422, 'ConfigMap "bad" is invalid: data: expected map'), 422);
      if (req.method === 'PATCH' || (req.method === 'DELETE' && !path.endsWith('/gone'))) return json(res, {});
      json(res, status(404, 'not found'), 404);
    });
  };
  before(async () => (server = await startFakeApiServer(handle)));
  beforeEach(() => {
    server.requests.length = 0;
    bodies.length = 0;
  });
  after(async () => server.close());
  const seen = () => server.requests.map((r) => `${r.method} ${r.url.pathname}${r.url.search}`);

  it('applies server-side as field manager capstan, forced, sending the body exactly as Git wrote it', async () => {
    const body = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'apps' }, spec: { replcas: 2, 'x-any': null } };
    await realSyncCluster(server.kc).apply(body);
    assert.deepEqual(seen(), ['GET /apis/apps/v1', 'PATCH /apis/apps/v1/namespaces/apps/deployments/web?fieldManager=capstan&force=true']);
    const patch = server.requests[1];
    assert.equal(patch?.headers['content-type'], 'application/apply-patch+yaml');
    assert.equal(patch?.headers.authorization, 'Bearer fake-token');
    assert.deepEqual(JSON.parse(bodies[1] ?? ''), body);
  });

  it('looks each group version up once, and again only for a kind missing from it', async () => {
    const cluster = realSyncCluster(server.kc, { fieldManager: 'other' });
    const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'apps' } });
    await Promise.all([cluster.apply(cm('a')), cluster.apply(cm('b'))]);
    await cluster.apply(cm('c'));
    await assert.rejects(cluster.apply({ apiVersion: 'v1', kind: 'Gadget', metadata: { name: 'g' } }),
      /^Error: Gadget\/g: the API server serves no kind Gadget in v1$/);
    await assert.rejects(cluster.apply({ apiVersion: 'nothing.test/v1', kind: 'Nothing', metadata: { name: 'x' } }),
      /^Error: Nothing\/x: the API server serves no kind Nothing in nothing\.test\/v1$/);
    assert.deepEqual(seen().filter((r) => r.startsWith('GET')), ['GET /api/v1', 'GET /api/v1', 'GET /apis/nothing.test/v1']);
    assert.ok(seen().includes('PATCH /api/v1/namespaces/apps/configmaps/c?fieldManager=other&force=true'));
  });

  it("puts a namespaced object without a namespace in the kubeconfig's, and a cluster-scoped one in none", async () => {
    const cluster = realSyncCluster(server.kc);
    await cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain' } });
    await cluster.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps', namespace: 'ignored' } });
    assert.deepEqual(seen().filter((r) => r.startsWith('PATCH')).map((r) => r.split('?')[0]), [
      'PATCH /api/v1/namespaces/default/configmaps/plain', 'PATCH /api/v1/namespaces/apps',
    ]);
  });

  it("refuses with the API server's message, naming the object", async () => {
    await assert.rejects(realSyncCluster(server.kc).apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bad', namespace: 'apps' }, data: 5 }),
      /^Error: ConfigMap\/bad: ConfigMap "bad" is invalid: data: expected map$/);
  });

  it('reads an object as listLabelled sees it; undefined when it, its kind or its group version is not there', async () => {
    const cluster = realSyncCluster(server.kc);
    assert.deepEqual(await cluster.read({ apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: 'apps' }), {
      id: 'apps:configmap/settings', kind: 'ConfigMap', apiVersion: 'v1', name: 'settings', namespace: 'apps', labels: {}, annotations: { note: 'x' },
    });
    assert.equal(await cluster.read({ apiVersion: 'v1', kind: 'ConfigMap', name: 'absent', namespace: 'apps' }), undefined);
    assert.equal(await cluster.read({ apiVersion: 'v1', kind: 'Gadget', name: 'g' }), undefined);
    assert.equal(await cluster.read({ apiVersion: 'nothing.test/v1', kind: 'Nothing', name: 'x' }), undefined);
  });

  it('deletes with background propagation; an object already gone, or a kind not served, is fine', async () => {
    const cluster = realSyncCluster(server.kc);
    const ref = (name: string, kind = 'ConfigMap') => ({ id: `apps:${kind.toLowerCase()}/${name}`, apiVersion: 'v1', kind, name, namespace: 'apps' });
    await cluster.delete(ref('settings'));
    await cluster.delete(ref('gone'));
    await cluster.delete(ref('g', 'Gadget'));
    assert.deepEqual(seen().filter((r) => r.startsWith('DELETE')), [
      'DELETE /api/v1/namespaces/apps/configmaps/settings?propagationPolicy=Background',
      'DELETE /api/v1/namespaces/apps/configmaps/gone?propagationPolicy=Background',
    ]);
  });
});
