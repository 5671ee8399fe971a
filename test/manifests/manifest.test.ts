import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ClusterScoped, id, type Manifest, metadataStrings, resourceId } from '../../src/manifests/manifest.ts';

const manifest = (kind: string, name: string, namespace?: string, apiVersion = 'v1'): Manifest => ({
  apiVersion, kind, name, namespace, body: {}, source: { file: 'f.yaml', line: 1 },
});

describe('id: fluxd resource ids', () => {
  // [case, manifest, expected id]
  const table: Array<[string, Manifest, string]> = [
    ['namespaced', manifest('Deployment', 'web', 'apps', 'apps/v1'), 'apps:deployment/web'],
    ['kind lower-cased, name kept', manifest('ConfigMap', 'Mixed-Case', 'default'), 'default:configmap/Mixed-Case'],
    ['cluster-scoped kind', manifest('Namespace', 'apps'), '<cluster>:namespace/apps'],
    ['cluster-scoped even when Git gives a namespace', manifest('ClusterRole', 'view', 'apps', 'rbac.authorization.k8s.io/v1'), '<cluster>:clusterrole/view'],
    ['no namespace at all', manifest('Widget', 'w', undefined, 'example.com/v1'), '<cluster>:widget/w'],
  ];
  for (const [name, m, expected] of table) {
    it(name, () => assert.equal(id(m), expected));
  }

  it('takes a discovery-backed clusterScoped', () => {
    const scoped: ClusterScoped = (kind, apiVersion) => kind === 'ClusterIssuer' && apiVersion.startsWith('cert-manager.io/');
    assert.equal(id(manifest('ClusterIssuer', 'le', 'default', 'cert-manager.io/v1'), scoped), '<cluster>:clusterissuer/le');
    assert.equal(id(manifest('Namespace', 'apps', 'x'), scoped), 'x:namespace/apps');
  });

  it('resourceId builds the same ids for live objects', () => {
    assert.equal(resourceId({ namespace: 'apps', kind: 'Service', name: 'web' }), 'apps:service/web');
    assert.equal(resourceId({ kind: 'StorageClass', name: 'fast' }), '<cluster>:storageclass/fast');
  });
});

describe('metadataStrings', () => {
  it('reads string and boolean values only', () => {
    const body = { metadata: { annotations: { a: 'x', b: true, c: 3, d: null } } };
    assert.deepEqual(metadataStrings(body, 'annotations'), { a: 'x', b: 'true' });
    assert.deepEqual(metadataStrings(body, 'labels'), {});
    assert.deepEqual(metadataStrings({}, 'labels'), {});
  });
});
