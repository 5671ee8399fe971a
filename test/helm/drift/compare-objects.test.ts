import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { driftSummary, objectDrift, type DriftedObject } from '../../../src/helm/drift/compare-objects.ts';

const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'apps' };
const deployment = (replicas: number, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1', kind: 'Deployment',
  metadata: { name: 'web', namespace: 'apps', resourceVersion: '10', generation: 2, managedFields: [{ manager: 'helm' }], labels: { app: 'web' } },
  spec: { replicas, template: { spec: { containers: [{ name: 'web', image: 'nginx:1' }] } } },
  status: { readyReplicas: replicas },
  ...extra,
});

describe('objectDrift', () => {
  // [case, live, applied (the dry run), expected change, expected fields]
  const table: Array<[string, unknown, unknown, string | undefined, string[]]> = [
    ['deleted: missing', undefined, undefined, 'missing', []],
    ['as the manifest says', deployment(1), deployment(1), undefined, []],
    ['only what the API server writes differs (resourceVersion, generation, managedFields, status)',
      deployment(1), { ...deployment(1), metadata: { ...deployment(1).metadata, resourceVersion: '11', generation: 3, managedFields: [] }, status: {} }, undefined, []],
    ['scaled by hand: replicas', deployment(3), deployment(1), 'changed', ['spec.replicas']],
    ['image edited: the container list, named at the depth limit', deployment(1),
      { ...deployment(1), spec: { replicas: 1, template: { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } } } }, 'changed', ['spec.template.spec.containers']],
    ['a label of the manifest removed', { ...deployment(1), metadata: { ...deployment(1).metadata, labels: {} } }, deployment(1), 'changed', ['metadata.labels.app']],
    ['deleted between the read and the dry run (the dry run creates it: another uid): missing',
      { ...deployment(1), metadata: { ...deployment(1).metadata, uid: 'u1' } }, { ...deployment(1), metadata: { ...deployment(1).metadata, uid: 'u2' } }, 'missing', []],
    ['a ConfigMap key changed', { kind: 'ConfigMap', data: { a: '1', b: '2' } }, { kind: 'ConfigMap', data: { a: '1', b: '3' } }, 'changed', ['data.b']],
  ];
  for (const [name, live, applied, change, fields] of table) {
    it(name, () => {
      const got = objectDrift(ref, live, applied);
      assert.equal(got?.change, change);
      assert.deepEqual(got?.fields ?? [], fields);
    });
  }

  it('names fields, never values (a Secret\'s data)', () => {
    const got = objectDrift({ ...ref, kind: 'Secret' }, { kind: 'Secret', data: { password: 'czNjcjN0' } }, { kind: 'Secret', data: { password: 'b3RoZXI=' } });
    assert.deepEqual(got?.fields, ['data.password']);
    assert.doesNotMatch(JSON.stringify(got), /czNjcjN0|b3RoZXI=/);
  });
});

describe('driftSummary', () => {
  const d = (name: string, change: 'changed' | 'missing'): DriftedObject => ({ ref: { ...ref, name }, change, fields: [] });
  it('names each object by kind and name with what happened to it', () => {
    assert.equal(driftSummary([d('web', 'changed'), { ...d('conf', 'missing'), ref: { apiVersion: 'v1', kind: 'ConfigMap', name: 'conf' } }]),
      'Deployment/web changed, ConfigMap/conf missing');
  });
  it('names at most five and counts the rest', () => {
    const many = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n) => d(n, 'changed'));
    assert.equal(driftSummary(many), 'Deployment/a changed, Deployment/b changed, Deployment/c changed, Deployment/d changed, Deployment/e changed and 2 more');
  });
});
