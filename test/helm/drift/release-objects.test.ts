import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { releaseObjects } from '../../../src/helm/drift/release-objects.ts';
import { YamlError, YamlProblem } from '../../../src/yaml/yaml-error.ts';

describe('releaseObjects', () => {
  it('reads every object of a Helm manifest, Lists expanded, with the namespace the manifest gives (if any)', () => {
    const manifest = [
      '---', '# Source: hello/templates/cm.yaml', 'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: conf', 'data:', '  a: "1"',
      '---', '# Source: hello/templates/empty.yaml',
      '---', 'apiVersion: v1', 'kind: List', 'items:', '- apiVersion: v1', '  kind: Service', '  metadata:', '    name: web', '    namespace: other',
      '---', 'apiVersion: rbac.authorization.k8s.io/v1', 'kind: ClusterRole', 'metadata:', '  name: reader',
      '---', 'kind: NoApiVersion', 'metadata:', '  name: x',
    ].join('\n');
    const got = releaseObjects(manifest);
    assert.deepEqual(got.map((o) => o.ref), [
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'conf' },
      { apiVersion: 'v1', kind: 'Service', name: 'web', namespace: 'other' },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'reader' },
    ]);
    assert.deepEqual(got[0]?.body.data, { a: '1' });
  });

  it('an empty manifest has no objects', () => assert.deepEqual(releaseObjects(''), []));

  it('refuses a manifest that expands through aliases past the YAML limits', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n');
    assert.throws(() => releaseObjects(bomb), (err: unknown) => err instanceof YamlError && err.problem === YamlProblem.Limit);
  });
});
