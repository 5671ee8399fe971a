import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';

describe('the local control plane', () => {
  const kc = kubeConfig();
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  before(async () => ([ns, dropNamespace] = await freshNamespace(kc, 'kube')));
  after(async () => dropNamespace());

  it('reports the pinned Kubernetes version and a Ready, untainted node', async () => {
    const version = await kc.makeApiClient(k8s.VersionApi).getCode();
    assert.match(version.gitVersion, /^v1\.36\.\d+$/);
    const [node] = (await kc.makeApiClient(k8s.CoreV1Api).listNode()).items;
    assert.equal(node?.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    assert.equal(node?.spec?.taints, undefined);
  });

  it('serves a new CustomResourceDefinition once Established, and stores its objects', async () => {
    const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
    const group = `${uniqueName('e2e')}.capstan.test`;
    const crd = `widgets.${group}`;
    await ext.createCustomResourceDefinition({
      body: {
        metadata: { name: crd },
        spec: {
          group,
          scope: 'Namespaced',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
          versions: [{
            name: 'v1', served: true, storage: true,
            schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } },
          }],
        },
      },
    });
    try {
      await eventually('the CRD to be Established', async () => {
        const got = await ext.readCustomResourceDefinition({ name: crd });
        return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') || undefined;
      });
      const objects = kc.makeApiClient(k8s.CustomObjectsApi);
      const ref = { group, version: 'v1', namespace: ns, plural: 'widgets' };
      // Discovery can lag Established by a moment; the first create is retried until the API serves the kind.
      await eventually('the custom object to be created', async () =>
        objects.createNamespacedCustomObject({ ...ref, body: { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 3 } } }));
      const stored = (await objects.getNamespacedCustomObject({ ...ref, name: 'w1' })) as { spec: { size: number } };
      assert.equal(stored.spec.size, 3);
    } finally {
      await ext.deleteCustomResourceDefinition({ name: crd });
    }
  });

  it('runs a Deployment until it is Available (controller-manager, scheduler and kwok at work)', async () => {
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const labels = { app: 'web' };
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'registry.local/web:1' }] } },
        },
      },
    });
    const available = await eventually('the Deployment to be Available', async () => {
      const d = await apps.readNamespacedDeployment({ name: 'web', namespace: ns });
      return d.status?.conditions?.find((c) => c.type === 'Available' && c.status === 'True') && d.status;
    });
    assert.equal(available.readyReplicas, 2);
    const pods = await kc.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace: ns });
    assert.deepEqual(pods.items.map((p) => p.status?.phase), ['Running', 'Running']);
  });
});
