import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { realSyncCluster } from '../src/kube/sync-cluster.ts';
import { CHECKSUM_ANNOTATION, GC_MARK_LABEL } from '../src/sync/checksum.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';

const MARK = { [GC_MARK_LABEL]: 'x' };

// A CRD of a group no other test uses; objects of its kind keep whatever fields they are given.
function crdBody(group: string, scope: 'Namespaced' | 'Cluster'): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `gadgets.${group}`, labels: MARK },
    spec: {
      group, scope,
      names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
      versions: [{
        name: 'v1', served: true, storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      }],
    },
  };
}

describe('realSyncCluster on the local control plane', () => {
  const kc = kubeConfig();
  const cluster = realSyncCluster(kc);
  const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
  const group = `${uniqueName('sync')}.capstan.test`;
  const movedGroup = `${uniqueName('moved')}.capstan.test`;
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  const meta = (name: string, checksum: string) => ({ name, namespace: ns, labels: MARK, annotations: { [CHECKSUM_ANNOTATION]: checksum } });
  const configMap = () => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('settings', 'c-settings'), data: { a: 'b' } });
  const deployment = () => ({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('web', 'c-web'),
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'registry.local/web:1' }] } },
    },
  });

  before(async () => ([ns, dropNamespace] = await freshNamespace(kc, 'sync')));
  after(async () => {
    await dropNamespace();
    for (const g of [group, movedGroup]) {
      await ext.deleteCustomResourceDefinition({ name: `gadgets.${g}` }).catch(() => undefined);
    }
  });

  it('applies a ConfigMap and a Deployment; read finds them with their annotation, undefined for a missing object or kind', async () => {
    await cluster.apply(configMap());
    await cluster.apply(deployment());
    const checksumOf = async (ref: { apiVersion: string; kind: string; name: string; namespace?: string }) =>
      (await cluster.read(ref))?.annotations?.[CHECKSUM_ANNOTATION];
    assert.equal(await checksumOf({ apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: ns }), 'c-settings');
    assert.equal(await checksumOf({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: ns }), 'c-web');
    assert.equal((await cluster.read({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: ns }))?.id, `${ns}:deployment/web`);
    assert.equal(await cluster.read({ apiVersion: 'v1', kind: 'ConfigMap', name: 'absent', namespace: ns }), undefined);
    assert.equal(await cluster.read({ apiVersion: 'nothing.capstan.test/v1', kind: 'Nothing', name: 'x', namespace: ns }), undefined);
  });

  it('sends the body as Git wrote it: invalid or unknown fields are refused, the API server naming them', async () => {
    const badData = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bad', namespace: ns }, data: 5 };
    await assert.rejects(cluster.apply(badData), /^Error: ConfigMap\/bad: failed to create typed patch object .*: \.data: expected map/);
    const typo = deployment();
    Object.assign(typo.spec, { replcas: 2 });
    await assert.rejects(cluster.apply(typo), /^Error: Deployment\/web: .*\.spec\.replcas: field not declared in schema$/);
    await assert.rejects(cluster.apply({ apiVersion: 'nothing.capstan.test/v1', kind: 'Nothing', metadata: { name: 'x', namespace: ns } }),
      /^Error: Nothing\/x: the API server serves no kind Nothing in nothing\.capstan\.test\/v1/);
  });

  it('applies an object of a new CRD right after waitEstablished, its CRD schema as written', async () => {
    await cluster.apply(crdBody(group, 'Namespaced'));
    await cluster.waitEstablished(`gadgets.${group}`, 30_000);
    await cluster.apply({ apiVersion: `${group}/v1`, kind: 'Gadget', metadata: meta('g1', 'c-g1'), spec: { anything: { goes: true } } });
    const stored = await kc.makeApiClient(k8s.CustomObjectsApi)
      .getNamespacedCustomObject({ group, version: 'v1', namespace: ns, plural: 'gadgets', name: 'g1' }) as { spec: unknown };
    assert.deepEqual(stored.spec, { anything: { goes: true } }, 'x-kubernetes-preserve-unknown-fields reached the API server');
  });

  it('listLabelled finds every labelled object of every kind by fluxd id, and no unlabelled one', async () => {
    await cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unlabelled', namespace: ns }, data: {} });
    const live = await cluster.listLabelled(GC_MARK_LABEL);
    const ours = live.filter((o) => o.namespace === ns || o.id === `<cluster>:customresourcedefinition/gadgets.${group}`);
    assert.deepEqual(ours.map((o) => o.id).sort(), [
      `${ns}:configmap/settings`, `${ns}:deployment/web`, `${ns}:gadget/g1`, `<cluster>:customresourcedefinition/gadgets.${group}`,
    ].sort());
    const web = ours.find((o) => o.kind === 'Deployment');
    assert.deepEqual({ ...web, labels: web?.labels?.[GC_MARK_LABEL], annotations: web?.annotations?.[CHECKSUM_ANNOTATION] }, {
      id: `${ns}:deployment/web`, kind: 'Deployment', apiVersion: 'apps/v1', name: 'web', namespace: ns, labels: 'x', annotations: 'c-web',
    });
    const crd = ours.find((o) => o.kind === 'CustomResourceDefinition');
    assert.equal(crd?.namespace, undefined);
    assert.equal(crd?.apiVersion, 'apiextensions.k8s.io/v1');
  });

  it('delete removes an object; deleting it again is fine', async () => {
    const live = await cluster.listLabelled(GC_MARK_LABEL);
    const settings = live.find((o) => o.id === `${ns}:configmap/settings`);
    assert.ok(settings);
    await cluster.delete(settings);
    await eventually('the ConfigMap to be gone', async () =>
      (await cluster.read(settings)) === undefined || undefined);
    await cluster.delete(settings);
    assert.ok(!(await cluster.listLabelled(GC_MARK_LABEL)).some((o) => o.id === settings.id));
  });

  it('addresses a kind at its new URL once its CRD, re-created with another scope, is Established', async () => {
    const name = `gadgets.${movedGroup}`;
    await cluster.apply(crdBody(movedGroup, 'Namespaced'));
    await cluster.waitEstablished(name, 30_000);
    await cluster.apply({ apiVersion: `${movedGroup}/v1`, kind: 'Gadget', metadata: { name: 'g', namespace: ns } });
    await ext.deleteCustomResourceDefinition({ name });
    await eventually('the CRD to be gone', async () =>
      ext.readCustomResourceDefinition({ name }).then(() => undefined, () => true));
    await cluster.apply(crdBody(movedGroup, 'Cluster'));
    await cluster.waitEstablished(name, 30_000);
    await cluster.apply({ apiVersion: `${movedGroup}/v1`, kind: 'Gadget', metadata: { name: 'g', labels: MARK } });
    assert.ok((await cluster.listLabelled(GC_MARK_LABEL)).some((o) => o.id === '<cluster>:gadget/g' && o.apiVersion === `${movedGroup}/v1`));
  });

  it('listLabelled leaves out, and tells of, the kinds it may not list, and lists the others', async () => {
    const name = uniqueName('sync-reader');
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list'] }] };
    const binding = {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: ns }],
    };
    const ref = (o: { apiVersion: string; kind: string }) => ({ ...o, id: `<cluster>:${o.kind.toLowerCase()}/${name}`, name });
    try {
      await cluster.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'reader', namespace: ns } });
      await cluster.apply(role);
      await cluster.apply(binding);
      await cluster.apply(configMap());
      const token = (await kc.makeApiClient(k8s.CoreV1Api).createNamespacedServiceAccountToken({
        name: 'reader', namespace: ns, body: { spec: { audiences: [], expirationSeconds: 600 } },
      })).status?.token;
      const reader = new k8s.KubeConfig();
      reader.loadFromOptions({
        clusters: kc.clusters, users: [{ name: 'reader', token }], currentContext: 'reader',
        contexts: [{ name: 'reader', cluster: kc.getCurrentCluster()?.name ?? '', user: 'reader' }],
      });
      const skipped: string[] = [];
      const live = await realSyncCluster(reader, { onSkipped: (path) => skipped.push(path) }).listLabelled(GC_MARK_LABEL);
      assert.deepEqual(live.filter((o) => o.namespace === ns).map((o) => o.id), [`${ns}:configmap/settings`]);
      assert.ok(live.every((o) => o.kind === 'ConfigMap'));
      assert.ok(skipped.includes('/apis/apps/v1/deployments') && skipped.includes(`/apis/${group}/v1/gadgets`), skipped.join(' '));
    } finally {
      await cluster.delete(ref(binding));
      await cluster.delete(ref(role));
    }
  });

  it('waitEstablished rejects, naming the CRD, when it is not Established in time', async () => {
    await assert.rejects(cluster.waitEstablished(`gadgets.${uniqueName('none')}.capstan.test`, 300),
      /^Error: CustomResourceDefinition gadgets\.none-[0-9a-f]+\.capstan\.test is not Established after 300 ms: it does not exist$/);
  });
});
