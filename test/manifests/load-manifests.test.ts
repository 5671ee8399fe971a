import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadManifests, parseManifestFile } from '../../src/manifests/load-manifests.ts';
import { id } from '../../src/manifests/manifest.ts';
import { billionLaughsUnder } from '../yaml/bombs.ts';

const opts = { defaultNamespace: 'default' };
const ids = (r: { manifests: Parameters<typeof id>[0][] }): string[] => r.manifests.map((m) => id(m));

describe('parseManifestFile', () => {
  it('reads every document of a multi-document file, skipping empty ones, each with its line', () => {
    const text = [
      '# leading comment', //   1
      '---', //                 2
      'apiVersion: v1', //      3
      'kind: ConfigMap', //     4
      'metadata: {name: a}', // 5
      '---', //                 6
      '# only a comment', //    7
      '---', //                 8
      '---', //                 9
      'apiVersion: v1', //      10
      'kind: Secret', //        11
      'metadata:', //           12
      '  name: b', //           13
      '  namespace: other', //  14
      '...', //                 15
      '',
    ].join('\n');
    const r = parseManifestFile('apps/two.yaml', text, opts);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(ids(r), ['default:configmap/a', 'other:secret/b']);
    assert.deepEqual(r.manifests.map((m) => m.source), [{ file: 'apps/two.yaml', line: 3 }, { file: 'apps/two.yaml', line: 10 }]);
  });

  it('a YAML error in one document skips the whole file, reported with its path and line', () => {
    const text = [
      'apiVersion: v1', //       1
      'kind: ConfigMap', //      2
      'metadata: {name: a}', //  3
      '---', //                  4
      'apiVersion: v1', //       5
      'kind: ConfigMap', //      6
      'metadata:', //            7
      '  name: b', //            8
      '  labels: {app: [web}', // 9: broken flow collection
      '---', //                  10
      'apiVersion: v1', //       11
      'kind: ConfigMap', //      12
      'metadata: {name: c}', //  13
    ].join('\n');
    const r = parseManifestFile('apps/broken.yaml', text, opts);
    assert.deepEqual(r.manifests, []);
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0]?.file, 'apps/broken.yaml');
    assert.equal(r.errors[0]?.line, 9);
    assert.match(r.errors[0]?.message ?? '', /YAML/);
  });

  it('a duplicate key is a YAML error too', () => {
    const r = parseManifestFile('dup.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nkind: Secret\n', opts);
    assert.deepEqual([r.manifests.length, r.errors[0]?.line], [0, 4]);
  });

  it('flattens List and *List kinds, each item with its own line', () => {
    const text = [
      'apiVersion: v1', //                    1
      'kind: List', //                        2
      'items:', //                            3
      '- apiVersion: v1', //                  4
      '  kind: ServiceAccount', //            5
      '  metadata: {name: web}', //           6
      '- apiVersion: v1', //                  7
      '  kind: ConfigMapList', //             8
      '  items:', //                          9
      '  - apiVersion: v1', //                10
      '    kind: ConfigMap', //               11
      '    metadata: {name: c, namespace: x}', // 12
      '---', //                               13
      'apiVersion: example.com/v1', //        14
      'kind: AllowList', //                   15
      'metadata: {name: not-a-list}', //      16
      'items: [a, b]', //                     17
    ].join('\n');
    const r = parseManifestFile('list.yaml', text, opts);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(ids(r), ['default:serviceaccount/web', 'x:configmap/c', 'default:allowlist/not-a-list']);
    assert.deepEqual(r.manifests.map((m) => m.source.line), [4, 10, 14]);
  });

  it('applies the default namespace to namespaced kinds only, in the body too', () => {
    const text = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n';
    const r = parseManifestFile('f.yaml', text, { defaultNamespace: 'team-a' });
    const [deployment, namespace] = r.manifests;
    assert.equal(deployment?.namespace, 'team-a');
    assert.deepEqual(deployment?.body.metadata, { name: 'web', namespace: 'team-a' });
    assert.equal(namespace?.namespace, undefined);
    assert.deepEqual(namespace?.body.metadata, { name: 'apps' });
  });

  it('uses the clusterScoped it is given', () => {
    const text = 'apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: le}\n';
    const r = parseManifestFile('f.yaml', text, { ...opts, clusterScoped: (kind) => kind === 'ClusterIssuer' });
    assert.deepEqual([r.manifests[0]?.namespace, r.manifests[0]?.body.metadata], [undefined, { name: 'le' }]);
  });

  it('reports objects that are not Kubernetes objects, with their line, and keeps the others', () => {
    const text = [
      'apiVersion: v1', //        1
      'kind: ConfigMap', //       2
      'metadata: {name: ok}', //  3
      '---', //                   4
      'kind: ConfigMap', //       5
      'metadata: {}', //          6
      '---', //                   7
      '- just', //                8
      '- a list', //              9
      '---', //                   10
      'hello', //                 11
    ].join('\n');
    const r = parseManifestFile('bad.yaml', text, opts);
    assert.deepEqual(ids(r), ['default:configmap/ok']);
    assert.deepEqual(r.errors.map((e) => [e.file, e.line]), [['bad.yaml', 5], ['bad.yaml', 8], ['bad.yaml', 11]]);
    assert.match(r.errors[0]?.message ?? '', /apiVersion, metadata\.name/);
  });

  it('a name YAML 1.1 reads as a boolean is reported, as kubectl would refuse it', () => {
    const r = parseManifestFile('f.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: yes}\n', opts);
    assert.deepEqual(r.manifests, []);
    assert.match(r.errors[0]?.message ?? '', /metadata\.name not a string/);
  });

  it('reads YAML as kubectl does: 1.1 octal and booleans, merge keys, timestamps as strings', () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: a}',
      'base: &base {x: 1}',
      'data:',
      '  <<: *base',
      '  mode: 0644',
      '  enabled: yes',
      '  date: 2024-01-02',
    ].join('\n');
    const r = parseManifestFile('f.yaml', text, opts);
    assert.deepEqual(r.manifests[0]?.body.data, { x: 1, mode: 420, enabled: true, date: '2024-01-02' });
  });

  it('an empty file has no objects and no errors', () => {
    assert.deepEqual(parseManifestFile('empty.yaml', '', opts), { manifests: [], errors: [] });
    assert.deepEqual(parseManifestFile('comments.yaml', '# nothing\n---\n', opts), { manifests: [], errors: [] });
  });
});

describe('loadManifests', () => {
  const cm = (name: string, namespace?: string): string =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${namespace ? `  namespace: ${namespace}\n` : ''}`;

  it('reports an object defined in two files at both places, skips it, and loads the rest', () => {
    const r = loadManifests(
      [
        { file: 'a.yaml', text: `${cm('one')}---\n${cm('shared')}` },
        { file: 'b/c.yaml', text: `${cm('two', 'default')}---\n${cm('shared', 'default')}` },
      ],
      opts,
    );
    assert.deepEqual(ids(r), ['default:configmap/one', 'default:configmap/two']);
    assert.deepEqual(
      r.errors.map((e) => [e.file, e.line, e.id]),
      [['a.yaml', 6, 'default:configmap/shared'], ['b/c.yaml', 7, 'default:configmap/shared']],
    );
    for (const e of r.errors) assert.ok(e.message.includes('a.yaml:6') && e.message.includes('b/c.yaml:7'), e.message);
  });

  it('two documents of one file defining one object are duplicates too', () => {
    const r = loadManifests([{ file: 'a.yaml', text: `${cm('x')}---\n${cm('x')}---\n${cm('other')}` }], opts);
    assert.deepEqual(ids(r), ['default:configmap/other']);
    assert.deepEqual(r.errors.map((e) => e.line), [1, 6]);
  });

  it('the same name in two namespaces is not a duplicate', () => {
    const r = loadManifests([{ file: 'a.yaml', text: cm('x') }, { file: 'b.yaml', text: cm('x', 'other') }], opts);
    assert.deepEqual([ids(r), r.errors], [['default:configmap/x', 'other:configmap/x'], []]);
  });

  it('a file holding a YAML alias bomb is refused with its line; the other files still load', () => {
    const bomb = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\n${billionLaughsUnder('data')}`;
    const heap = process.memoryUsage().heapUsed;
    const r = loadManifests([{ file: 'good.yaml', text: cm('good') }, { file: 'bomb.yaml', text: bomb }, { file: 'z.yaml', text: cm('z') }], opts);
    assert.deepEqual(ids(r), ['default:configmap/good', 'default:configmap/z']);
    assert.deepEqual(r.errors.map((e) => e.file), ['bomb.yaml']);
    assert.match(r.errors[0]?.message ?? '', /^YAML refused: too many aliases: expanded, the YAML is larger than 64 MiB as JSON; the whole file is skipped$/);
    assert.ok((r.errors[0]?.line ?? 0) > 4);
    assert.ok(process.memoryUsage().heapUsed - heap < 64 * 1024 * 1024, 'the heap stayed small');
  });

  it('a broken file is skipped and the other files still load', () => {
    const r = loadManifests([{ file: 'good.yaml', text: cm('good') }, { file: 'bad.yaml', text: 'a: [\n' }], opts);
    assert.deepEqual(ids(r), ['default:configmap/good']);
    assert.deepEqual(r.errors.map((e) => e.file), ['bad.yaml']);
  });
});
