import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyPatches, editPatch, readPatches, setPatchAnnotation, setPatchImage } from '../../src/manifests/patch-file.ts';
import { readYamlDocuments } from '../../src/yaml/read-yaml.ts';

const generated = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: apps}
spec:
  template:
    spec:
      containers:
        - {name: app, image: 'r/app:1.0.0'}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web}
data: {a: b}
`;
const values = (text: string) => readYamlDocuments(text).map((d) => d.value);
const target = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'apps' };
const POD_SPEC = ['spec', 'template', 'spec'];

describe('patch files', () => {
  it('without patches the generated stream is kept byte for byte', () => {
    assert.equal(applyPatches(generated, [], 'apps'), generated);
  });

  it('a patch written by editPatch changes the image of its object only', () => {
    const patchFile = editPatch('', target, 'apps', (p) => setPatchImage(p, POD_SPEC, 'app', 'r/app:1.1.0'));
    const [deployment, configMap] = values(applyPatches(generated, readPatches(patchFile), 'apps'));
    assert.deepEqual(deployment, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'apps' },
      spec: { template: { spec: { containers: [{ name: 'app', image: 'r/app:1.1.0' }] } } } });
    assert.deepEqual(configMap, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' }, data: { a: 'b' } });
  });

  it('a patch naming no namespace matches an object in the default namespace, and the reverse', () => {
    const patch = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'apps' }, data: { a: 'c' } };
    assert.deepEqual(values(applyPatches(generated, [patch], 'apps'))[1], { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'apps' }, data: { a: 'c' } });
    assert.deepEqual(values(applyPatches(generated, [patch], 'other'))[1], { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' }, data: { a: 'b' } });
  });

  it('edits an existing patch in place and keeps the others', () => {
    const other = 'apiVersion: v1\nkind: Service\nmetadata: {name: svc}\nspec: {type: NodePort}\n';
    let text = editPatch(other, target, 'apps', (p) => setPatchImage(p, POD_SPEC, 'app', 'r/app:1.1.0'));
    text = editPatch(text, target, 'apps', (p) => setPatchImage(p, POD_SPEC, 'app', 'r/app:1.2.0'));
    text = editPatch(text, target, 'apps', (p) => setPatchAnnotation(p, 'fluxcd.io/locked', 'true'));
    const patches = readPatches(text);
    assert.equal(patches.length, 2);
    assert.deepEqual(patches[0], { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { type: 'NodePort' } });
    assert.deepEqual(patches[1], { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'apps', annotations: { 'fluxcd.io/locked': 'true' } },
      spec: { template: { spec: { containers: [{ name: 'app', image: 'r/app:1.2.0' }] } } } });
  });

  it('an annotation removed in a patch is removed from the generated object', () => {
    const withAnnotation = generated.replace('metadata: {name: web, namespace: apps}', 'metadata: {name: web, namespace: apps, annotations: {fluxcd.io/locked: "true"}}');
    const patchFile = editPatch('', target, 'apps', (p) => setPatchAnnotation(p, 'fluxcd.io/locked', undefined));
    const [deployment] = values(applyPatches(withAnnotation, readPatches(patchFile), 'apps'));
    assert.deepEqual((deployment as { metadata: unknown }).metadata, { name: 'web', namespace: 'apps', annotations: {} });
  });

  it('refuses a patch that names no object', () => {
    assert.throws(() => readPatches('kind: Deployment\nspec: {}\n'), /document 1 is not a patch naming a kind and metadata.name/);
  });
});
