import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { id, type Manifest } from '../../src/manifests/manifest.ts';
import { LAST_RANK, orderForApply, orderForDelete, rankOfKind, sortForDelete } from '../../src/sync/order.ts';

const m = (kind: string, name: string, namespace?: string): Manifest => ({
  apiVersion: 'v1', kind, name, namespace, body: {}, source: { file: 'f.yaml', line: 1 },
});

const mixed = [
  m('Deployment', 'web', 'apps'),
  m('Widget', 'w1', 'apps'),
  m('ServiceAccount', 'web', 'apps'),
  m('CustomResourceDefinition', 'widgets.example.com'),
  m('ConfigMap', 'web-config', 'apps'),
  m('ClusterRole', 'view'),
  m('Service', 'web', 'apps'),
  m('RoleBinding', 'web', 'apps'),
  m('Namespace', 'apps'),
  m('Secret', 'creds', 'apps'),
  m('CronJob', 'backup', 'apps'),
  m('Namespace', 'aaa'),
];

describe('orderForApply: fluxd kind order', () => {
  const ordered = orderForApply(mixed).map((x) => id(x));

  it('Namespaces first, then CRDs, then the rest', () => {
    assert.deepEqual(ordered.slice(0, 3), ['<cluster>:namespace/aaa', '<cluster>:namespace/apps', '<cluster>:customresourcedefinition/widgets.example.com']);
  });

  it('is the full expected order (ties by id)', () => {
    assert.deepEqual(ordered, [
      '<cluster>:namespace/aaa',
      '<cluster>:namespace/apps',
      '<cluster>:customresourcedefinition/widgets.example.com',
      '<cluster>:clusterrole/view',
      'apps:service/web',
      'apps:serviceaccount/web',
      'apps:configmap/web-config',
      'apps:rolebinding/web',
      'apps:secret/creds',
      'apps:cronjob/backup',
      'apps:deployment/web',
      'apps:widget/w1',
    ]);
  });

  // [before, after]: dependencies applied first
  const pairs: Array<[string, string]> = [
    ['apps:serviceaccount/web', 'apps:deployment/web'],
    ['apps:configmap/web-config', 'apps:deployment/web'],
    ['<cluster>:clusterrole/view', 'apps:rolebinding/web'],
    ['<cluster>:customresourcedefinition/widgets.example.com', 'apps:widget/w1'],
    ['apps:deployment/web', 'apps:widget/w1'],
  ];
  for (const [before, after] of pairs) {
    it(`${before} before ${after}`, () => assert.ok(ordered.indexOf(before) < ordered.indexOf(after)));
  }

  it('does not depend on input order', () => {
    assert.deepEqual(orderForApply([...mixed].reverse()).map((x) => id(x)), ordered);
  });

  it('orderForDelete is the exact reverse', () => {
    assert.deepEqual(orderForDelete(mixed).map((x) => id(x)), [...ordered].reverse());
  });

  it('leaves its input alone', () => {
    const input = [...mixed];
    orderForApply(input);
    assert.deepEqual(input, mixed);
  });
});

describe('rankOfKind', () => {
  // [kind, rank]
  const table: Array<[string, number]> = [
    ['Namespace', 0], ['namespace', 0], ['CustomResourceDefinition', 1], ['ServiceAccount', 2], ['PersistentVolume', 2],
    ['ClusterRoleBinding', 3], ['PersistentVolumeClaim', 3], ['Ingress', 3], ['StatefulSet', 4], ['Job', 4],
    ['HelmRelease', LAST_RANK], ['Pod', LAST_RANK],
  ];
  for (const [kind, rank] of table) {
    it(`${kind} → ${rank}`, () => assert.equal(rankOfKind(kind), rank));
  }

  it('sortForDelete works on live objects too', () => {
    const live = [{ kind: 'Namespace', id: '<cluster>:namespace/a' }, { kind: 'Deployment', id: 'a:deployment/x' }, { kind: 'Service', id: 'a:service/x' }];
    assert.deepEqual(sortForDelete(live).map((o) => o.id), ['a:deployment/x', 'a:service/x', '<cluster>:namespace/a']);
  });
});
