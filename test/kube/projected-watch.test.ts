import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, describe, it } from 'node:test';
import type * as k8s from '@kubernetes/client-node';
import { pino } from 'pino';
import { watchResource } from '../../src/kube/informer.ts';
import { withoutBookkeeping } from '../../src/kube/projected-watch.ts';
import { type FakeApiServer, json, startFakeApiServer } from './fake-api-server.ts';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const MANAGED = [{ manager: 'kubectl', operation: 'Apply', fieldsV1: { 'f:spec': { 'f:values': {} } } }];

// A HelmRelease as the API server sends it to a plain watch: managedFields and kubectl's copy of the spec included.
const release = (name: string, resourceVersion: string) => ({
  apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease',
  metadata: {
    name, namespace: 'team-a', resourceVersion, generation: 2, managedFields: MANAGED,
    annotations: { [LAST_APPLIED]: '{"spec":{"values":{"big":"x"}}}', 'reconcile.fluxcd.io/requestedAt': 'now' },
  },
  spec: { releaseName: name },
});

describe('withoutBookkeeping', () => {
  const cases: Array<[string, k8s.KubernetesObject, k8s.KubernetesObject]> = [
    ['drops managedFields and the last-applied annotation, keeps other annotations and the spec',
      release('a', '1'),
      { apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', metadata: { name: 'a', namespace: 'team-a', resourceVersion: '1', generation: 2, annotations: { 'reconcile.fluxcd.io/requestedAt': 'now' } }, spec: { releaseName: 'a' } } as k8s.KubernetesObject],
    ['leaves no empty annotations behind',
      { kind: 'HelmRelease', metadata: { name: 'b', annotations: { [LAST_APPLIED]: '{}' } } },
      { kind: 'HelmRelease', metadata: { name: 'b' } }],
    ['keeps an object without bookkeeping as it is', { kind: 'HelmRelease', metadata: { name: 'c', labels: { a: 'b' } } }, { kind: 'HelmRelease', metadata: { name: 'c', labels: { a: 'b' } } }],
  ];
  for (const [name, input, expected] of cases) it(name, () => assert.deepEqual(withoutBookkeeping(input), expected));
});

describe('watchResource with a projection and a field selector', () => {
  const servers: FakeApiServer[] = [];
  after(async () => Promise.all(servers.map(async (s) => s.close())));

  it('caches listed and watched objects projected, and watches with the field selector', async () => {
    const watches: ServerResponse[] = [];
    const server = await startFakeApiServer((req, res) => {
      if (req.url.searchParams.get('watch') === 'true') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(`${JSON.stringify({ type: 'ADDED', object: release('b', '11') })}\n`);
        watches.push(res);
        return;
      }
      json(res, { apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmReleaseList', metadata: { resourceVersion: '10' }, items: [release('a', '10')] });
    });
    servers.push(server);
    const events: k8s.KubernetesObject[] = [];
    const watched = watchResource<k8s.KubernetesObject>({
      kc: server.kc, log: pino({ level: 'silent' }), path: '/apis/helm.fluxcd.io/v1/helmreleases', fieldSelector: 'metadata.name!=x',
      list: async () => (await (await fetch(`${server.kc.getCurrentCluster()?.server}/apis/helm.fluxcd.io/v1/helmreleases`)).json()) as k8s.KubernetesListObject<k8s.KubernetesObject>,
      onEvent: (_event, obj) => events.push(obj), project: withoutBookkeeping,
    });
    try {
      await watched.synced;
      const deadline = Date.now() + 5000;
      while (events.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(watched.list().map((o) => o.metadata?.name).sort(), ['a', 'b']);
      const held = JSON.stringify([watched.list(), events]);
      assert.ok(!held.includes('managedFields') && !held.includes(LAST_APPLIED), `the cache holds bookkeeping: ${held}`);
      assert.ok(held.includes('requestedAt'), 'other annotations are kept');
      const watch = server.requests.find((r) => r.url.searchParams.get('watch') === 'true');
      assert.equal(watch?.url.searchParams.get('fieldSelector'), 'metadata.name!=x');
    } finally {
      await watched.stop();
      for (const res of watches) res.end();
    }
  });
});
