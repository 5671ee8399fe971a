import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, describe, it } from 'node:test';
import type * as k8s from '@kubernetes/client-node';
import { pino } from 'pino';
import { watchMetadata } from '../../src/kube/metadata-informer.ts';
import { METADATA_ACCEPT, METADATA_LIST_ACCEPT } from '../../src/kube/metadata-only.ts';
import { realKubeClient } from '../../src/kube/real-client.ts';
import { type ApiRequest, type FakeApiServer, json, startFakeApiServer } from './fake-api-server.ts';

const SECRET_VALUE = 'c2VjcmV0LXZhbHVlLXRoYXQtbXVzdC1ub3QtYmUta2VwdA==';

// A Secret as an API server that ignored the Accept header would send it: data, and kubectl's annotation with it.
const wholeSecret = (name: string, resourceVersion: string) => ({
  apiVersion: 'v1', kind: 'Secret',
  metadata: {
    name, namespace: 'team-a', uid: `uid-${name}`, resourceVersion,
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ data: { password: SECRET_VALUE } }) },
    labels: { app: 'demo' },
  },
  data: { password: SECRET_VALUE },
});

describe('the metadata-only watch of Secrets', () => {
  const servers: FakeApiServer[] = [];
  after(async () => Promise.all(servers.map(async (s) => s.close())));
  const watches: ServerResponse[] = [];
  const start = async (): Promise<FakeApiServer> => {
    const server = await startFakeApiServer((req: ApiRequest, res) => {
      if (req.url.searchParams.get('watch') === 'true') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(`${JSON.stringify({ type: 'MODIFIED', object: wholeSecret('values', '11') })}\n`);
        watches.push(res);
        return;
      }
      json(res, { apiVersion: 'v1', kind: 'SecretList', metadata: { resourceVersion: '10' }, items: [wholeSecret('values', '10')] });
    });
    servers.push(server);
    return server;
  };

  it('asks for PartialObjectMetadata on the list and the watch, and keeps no data nor annotations', async () => {
    const server = await start();
    const events: Array<[string, k8s.KubernetesObject]> = [];
    const watched = watchMetadata({
      kc: server.kc, log: pino({ level: 'silent' }), path: '/api/v1/secrets',
      list: (core) => core.listSecretForAllNamespaces(), onEvent: (event, obj) => events.push([event, obj]),
    });
    try {
      await watched.synced;
      const deadline = Date.now() + 5000;
      while (events.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      const [list, watch] = server.requests;
      assert.equal(list?.url.pathname, '/api/v1/secrets');
      assert.equal(list?.headers.accept, METADATA_LIST_ACCEPT);
      assert.equal(list?.headers.authorization, 'Bearer fake-token');
      assert.equal(watch?.url.searchParams.get('watch'), 'true');
      assert.equal(watch?.headers.accept, METADATA_ACCEPT);
      assert.equal(watch?.headers.authorization, 'Bearer fake-token');
      assert.deepEqual(events.map(([event, obj]) => [event, obj.metadata?.namespace, obj.metadata?.name, obj.metadata?.resourceVersion]),
        [['update', 'team-a', 'values', '11']]);
      const held = JSON.stringify([watched.list(), events]);
      assert.ok(!held.includes(SECRET_VALUE), `the watch cache holds Secret data: ${held}`);
      assert.ok(!held.includes('last-applied'), 'the watch cache holds annotations');
    } finally {
      await watched.stop();
      for (const res of watches) res.end();
    }
  });

  it('reads Helm history from the storage Secrets metadata only', async () => {
    const server = await startFakeApiServer((_req, res) => json(res, {
      apiVersion: 'v1', kind: 'SecretList', metadata: { resourceVersion: '5' },
      items: ['1', '2'].map((v) => ({ metadata: { name: `sh.helm.release.v1.demo.v${v}`, namespace: 'team-a', labels: { owner: 'helm', name: 'demo', version: v, status: v === '2' ? 'deployed' : 'superseded' } } })),
    }));
    servers.push(server);
    const history = await realKubeClient(server.kc).helmHistory('team-a', 'demo');
    assert.deepEqual(history.map((r) => [r.version, r.status]), [[2, 'deployed'], [1, 'superseded']]);
    assert.equal(server.requests[0]?.headers.accept, METADATA_LIST_ACCEPT);
    assert.equal(server.requests[0]?.url.searchParams.get('labelSelector'), 'owner=helm,name=demo');
  });

  it('takes an empty list as the API server sends it (items: null)', async () => {
    const watches: ServerResponse[] = [];
    const server = await startFakeApiServer((req, res) => {
      if (req.url.searchParams.get('watch') === 'true') {
        res.writeHead(200, { 'content-type': 'application/json' });
        watches.push(res);
        return;
      }
      json(res, { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadataList', metadata: { resourceVersion: '3' }, items: null });
    });
    servers.push(server);
    assert.deepEqual(await realKubeClient(server.kc).helmHistory('team-a', 'demo'), []);
    const restarts: string[] = [];
    const watched = watchMetadata({
      kc: server.kc, log: pino({ level: 'silent' }), path: '/api/v1/namespaces/team-a/secrets',
      list: (core) => core.listNamespacedSecret({ namespace: 'team-a' }), onEvent: () => {}, onRestart: () => restarts.push('secrets'),
    });
    try {
      await watched.synced;
      assert.deepEqual(watched.list(), []);
      const deadline = Date.now() + 5000;
      while (watches.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.equal(watches.length, 1, 'the watch started after the empty list');
      assert.deepEqual(restarts, []);
    } finally {
      await watched.stop();
      for (const res of watches) res.end();
    }
  });
});
