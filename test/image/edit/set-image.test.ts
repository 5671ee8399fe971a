import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EditError } from '../../../src/image/edit/locate.ts';
import { setContainerImage } from '../../../src/image/edit/set-image.ts';
import { workloadOf } from '../../../src/image/workload/workload.ts';
import { parseManifestFile } from '../../../src/manifests/load-manifests.ts';
import { crlf, FIXTURE, replacedOnce, type Target, web, report, db, agent, cache } from './fixture.ts';

const opts = { defaultNamespace: 'default' };
const FILE = 'apps/web.yaml';

// The image the file now gives the container, read back through the loader and workloadOf.
function imageIn(text: string, id: string, container: string): string | undefined {
  const loaded = parseManifestFile(FILE, text, opts);
  assert.deepEqual(loaded.errors, []);
  const workload = loaded.manifests.map(workloadOf).find((w) => w?.id === id);
  return workload?.containers.find((c) => c.name === container)?.image;
}


describe('setContainerImage changes only the image value', () => {
  // [what, target, container, new image, text replaced, replacement]
  const table: Array<[string, Target, string, string, string, string]> = [
    ['a double-quoted image stays double-quoted', web, 'app', '127.0.0.1:5000/app:1.2.1', '"127.0.0.1:5000/app:1.2.0"', '"127.0.0.1:5000/app:1.2.1"'],
    ['a single-quoted image stays single-quoted', web, 'sidecar', 'envoyproxy/envoy:v1.31.0', "'envoyproxy/envoy:v1.30.1'", "'envoyproxy/envoy:v1.31.0'"],
    ['an init container, plain, its trailing comment kept', web, 'migrate', 'registry.example.com/web/migrate:1.1.0',
      'migrate:1.0.0 # keep', 'migrate:1.1.0 # keep'],
    ['a CronJob (batch/v1) in the default namespace, deep odd indentation', report, 'report', 'reporter:2024.02', 'reporter:2024.01', 'reporter:2024.02'],
    ['a container in a flow mapping', db, 'db', 'postgres:16.2', 'postgres:16.1', 'postgres:16.2'],
    ['a List item, in a flow sequence', agent, 'agent', 'agent:1.0', 'agent:0.9', 'agent:1.0'],
    ['HelmRelease image: {registry, repository, tag}: only the tag changes', cache, 'chart-image', 'docker.io/bitnami/redis:7.4.1', 'tag: "7.2.4"', 'tag: "7.4.1"'],
    ['HelmRelease image + tag: only the tag changes', cache, 'exporter', 'oliver006/redis_exporter:v1.56.0', 'tag: v1.55.0', 'tag: v1.56.0'],
    ['HelmRelease image: repo:tag is replaced whole', cache, 'sidecar', 'busybox:1.37', 'image: busybox:1.36', 'image: busybox:1.37'],
    ['HelmRelease registry + image + tag in a flow mapping', cache, 'proxy', 'ghcr.io/org/proxy:3.2', "tag: '3.1'", "tag: '3.2'"],
    ['HelmRelease mapped by annotations', cache, 'worker', 'org/worker:sha-def', 'version: sha-abc', 'version: sha-def'],
    ['a plain value that would read as a number is quoted', cache, 'exporter', 'oliver006/redis_exporter:1.10', 'tag: v1.55.0', 'tag: "1.10"'],
    ['a plain value that would read as a boolean is quoted', cache, 'exporter', 'oliver006/redis_exporter:yes', 'tag: v1.55.0', 'tag: "yes"'],
  ];
  for (const [what, target, container, image, from, to] of table) {
    it(what, () => {
      const out = setContainerImage(FIXTURE, FILE, target, container, image, opts);
      assert.equal(out, replacedOnce(FIXTURE, from, to));
      const id = `${target.namespace ?? 'default'}:${target.kind.toLowerCase()}/${target.name}`;
      assert.equal(imageIn(out, id, container), image);
    });
  }

  it('HelmRelease: a new repository changes the repository scalar too, its comment kept', () => {
    const out = setContainerImage(FIXTURE, FILE, cache, 'chart-image', 'docker.io/bitnami/valkey:8.0.1', opts);
    const expected = replacedOnce(replacedOnce(FIXTURE, 'repository: bitnami/redis   # pinned', 'repository: bitnami/valkey   # pinned'), 'tag: "7.2.4"', 'tag: "8.0.1"');
    assert.equal(out, expected);
    assert.equal(imageIn(out, 'apps:helmrelease/cache', 'chart-image'), 'docker.io/bitnami/valkey:8.0.1');
  });

  it('HelmRelease: a new registry changes the registry scalar', () => {
    const out = setContainerImage(FIXTURE, FILE, cache, 'proxy', 'quay.io/org/proxy:3.1', opts);
    assert.equal(out, replacedOnce(FIXTURE, '{registry: ghcr.io,', '{registry: quay.io,'));
  });

  it('returns the very same text when the image is already that', () => {
    assert.equal(setContainerImage(FIXTURE, FILE, web, 'app', '127.0.0.1:5000/app:1.2.0', opts), FIXTURE);
    assert.equal(setContainerImage(FIXTURE, FILE, cache, 'chart-image', 'docker.io/bitnami/redis:7.2.4', opts), FIXTURE);
  });

  it('keeps Windows line endings', () => {
    const text = crlf(FIXTURE);
    const out = setContainerImage(text, FILE, web, 'migrate', 'registry.example.com/web/migrate:2.0.0', opts);
    assert.equal(out, replacedOnce(text, 'migrate:1.0.0 # keep', 'migrate:2.0.0 # keep'));
    assert.equal(imageIn(out, 'apps:deployment/web', 'migrate'), 'registry.example.com/web/migrate:2.0.0');
  });

  it('keeps a file without a final line break so, editing its last line', () => {
    const text = FIXTURE.trimEnd();
    const out = setContainerImage(text, FILE, cache, 'worker', 'org/worker:sha-123', opts);
    assert.equal(out, `${text.slice(0, -'sha-abc'.length)}sha-123`);
  });

  it('keeps a document end marker and a trailing comment after the last document', () => {
    const text = `${FIXTURE}...\n# end\n`;
    const out = setContainerImage(text, FILE, report, 'report', 'reporter:2025.01', opts);
    assert.equal(out, replacedOnce(text, 'reporter:2024.01', 'reporter:2025.01'));
  });
});

describe('setContainerImage refuses what it cannot do', () => {
  const refuses = (fn: () => unknown, ...parts: RegExp[]): void => {
    assert.throws(fn, (err: unknown) => {
      assert.ok(err instanceof EditError);
      for (const part of parts) assert.match(err.message, part);
      return true;
    });
  };

  it('a container that is not there, naming it, the object, the file and the field', () => {
    refuses(
      () => setContainerImage(FIXTURE, FILE, web, 'nginx', 'nginx:1', opts),
      /apps\/web\.yaml/,
      /apps:deployment\/web/,
      /spec\.template\.spec\.containers/,
      /"nginx"/,
      /"app", "sidecar", "migrate"/,
    );
  });

  it('a HelmRelease image that is not there', () => {
    refuses(() => setContainerImage(FIXTURE, FILE, cache, 'web', 'web:1', opts), /apps:helmrelease\/cache/, /spec\.values/, /"web"/);
  });

  it('an object that is not in the file', () => {
    refuses(() => setContainerImage(FIXTURE, FILE, { kind: 'Deployment', name: 'web' }, 'app', 'a:1', opts), /default:deployment\/web/, /no such object/);
  });

  it('two objects with the same id', () => {
    const text = `${FIXTURE}---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: apps\n`;
    refuses(() => setContainerImage(text, FILE, web, 'app', 'a:1', opts), /apps:deployment\/web/, /2 times/);
  });

  it('an object defined once with the default namespace and once naming it', () => {
    const text = `${FIXTURE}---\napiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: report\n  namespace: default\n`;
    refuses(() => setContainerImage(text, FILE, report, 'report', 'r:1', opts), /default:cronjob\/report/, /2 times/);
  });

  it('a kind that runs no containers', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {image: x}\n';
    refuses(() => setContainerImage(text, FILE, { kind: 'ConfigMap', name: 'c' }, 'c', 'x:1', opts), /default:configmap\/c/);
  });

  it('a file that is not valid YAML', () => {
    refuses(() => setContainerImage('a: [\n', FILE, web, 'app', 'a:1', opts), /apps\/web\.yaml/, /not valid YAML/);
  });

  it('an image given by an alias', () => {
    const one = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: apps, labels: {img: &img a:1}}\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: *img\n';
    refuses(() => setContainerImage(one, FILE, web, 'app', 'a:2', opts), /containers\[0\]\.image/);
  });
});
