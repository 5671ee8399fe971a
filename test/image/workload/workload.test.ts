import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseManifestFile } from '../../../src/manifests/load-manifests.ts';
import type { Manifest } from '../../../src/manifests/manifest.ts';
import { type ContainerImage, workloadOf } from '../../../src/image/workload/workload.ts';

const manifest = (apiVersion: string, kind: string, body: Record<string, unknown>, metadata: Record<string, unknown> = {}): Manifest => ({
  apiVersion,
  kind,
  namespace: 'apps',
  name: 'web',
  body: { apiVersion, kind, metadata: { name: 'web', namespace: 'apps', ...metadata }, ...body },
  source: { file: 'web.yaml', line: 1 },
});

const podSpec = {
  serviceAccountName: 'web-sa',
  imagePullSecrets: [{ name: 'regcred' }, { name: 'other' }],
  initContainers: [{ name: 'migrate', image: 'registry.example.com/web/migrate:1.0.0' }],
  containers: [
    { name: 'app', image: '127.0.0.1:5000/app:1.2.0' },
    { name: 'sidecar', image: 'envoyproxy/envoy:v1.30.1' },
  ],
};

describe('workloadOf: pod-template workloads', () => {
  const table: Array<[string, string, Record<string, unknown>]> = [
    ['apps/v1', 'Deployment', { spec: { template: { spec: podSpec } } }],
    ['apps/v1', 'StatefulSet', { spec: { template: { spec: podSpec } } }],
    ['apps/v1', 'DaemonSet', { spec: { template: { spec: podSpec } } }],
    ['extensions/v1beta1', 'Deployment', { spec: { template: { spec: podSpec } } }],
    ['batch/v1', 'CronJob', { spec: { jobTemplate: { spec: { template: { spec: podSpec } } } } }],
    ['batch/v1beta1', 'CronJob', { spec: { jobTemplate: { spec: { template: { spec: podSpec } } } } }],
  ];
  for (const [apiVersion, kind, body] of table) {
    it(`reads a ${kind} of ${apiVersion}: containers then initContainers, pull secrets, service account`, () => {
      const w = workloadOf(manifest(apiVersion, kind, body, { annotations: { 'fluxcd.io/automated': 'true' } }));
      assert.deepEqual(w, {
        id: `apps:${kind.toLowerCase()}/web`,
        kind,
        namespace: 'apps',
        name: 'web',
        annotations: { 'fluxcd.io/automated': 'true' },
        containers: [
          { name: 'app', image: '127.0.0.1:5000/app:1.2.0' },
          { name: 'sidecar', image: 'envoyproxy/envoy:v1.30.1' },
          { name: 'migrate', image: 'registry.example.com/web/migrate:1.0.0' },
        ],
        imagePullSecrets: ['regcred', 'other'],
        serviceAccountName: 'web-sa',
      });
    });
  }

  it('skips containers without a name or an image, and reads a pod spec without extras', () => {
    const w = workloadOf(manifest('apps/v1', 'Deployment', { spec: { template: { spec: { containers: [{ name: 'a' }, { image: 'x:1' }, { name: 'b', image: 'b:2' }] } } } }));
    assert.deepEqual(w?.containers, [{ name: 'b', image: 'b:2' }]);
    assert.deepEqual(w?.imagePullSecrets, []);
    assert.equal(w?.serviceAccountName, undefined);
  });

  it('a workload kind without a pod template has no containers, and is still a workload', () => {
    assert.deepEqual(workloadOf(manifest('apps/v1', 'Deployment', {}))?.containers, []);
  });

  const notWorkloads: Array<[string, string]> = [
    ['v1', 'ConfigMap'],
    ['v1', 'Pod'],
    ['batch/v1', 'Job'],
    ['example.com/v1', 'Deployment'], // a custom kind that only shares the name
    ['flux.weave.works/v1beta1', 'HelmRelease'],
    ['helm.toolkit.fluxcd.io/v2', 'HelmRelease'],
  ];
  for (const [apiVersion, kind] of notWorkloads) {
    it(`${kind} of ${apiVersion} is no workload`, () => {
      assert.equal(workloadOf(manifest(apiVersion, kind, { spec: { template: { spec: podSpec } } })), undefined);
    });
  }

  it('reads annotations as the loader gives them (an unquoted true is "true")', () => {
    const [m] = parseManifestFile(
      'a.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\n  annotations:\n    fluxcd.io/automated: true\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: a:1\n',
      { defaultNamespace: 'default' },
    ).manifests;
    const w = workloadOf(m as Manifest);
    assert.equal(w?.id, 'default:deployment/a');
    assert.deepEqual(w?.annotations, { 'fluxcd.io/automated': 'true' });
  });
});

describe('workloadOf: HelmRelease images (helm.fluxcd.io/v1)', () => {
  const hr = (values: Record<string, unknown>, annotations: Record<string, string> = {}): ContainerImage[] | undefined =>
    workloadOf(manifest('helm.fluxcd.io/v1', 'HelmRelease', { spec: { chart: { name: 'web' }, values } }, { annotations }))?.containers;

  // [what, values, containers]
  const detection: Array<[string, Record<string, unknown>, ContainerImage[]]> = [
    ['image: repo/img:tag at the top level', { image: 'repo/img:1.0' }, [{ name: 'chart-image', image: 'repo/img:1.0', paths: { image: 'image' } }]],
    ['image + tag', { image: 'repo/img', tag: 'v2' }, [{ name: 'chart-image', image: 'repo/img:v2', paths: { image: 'image', tag: 'tag' } }]],
    ['a tag key overrides the tag in image', { image: 'repo/img:old', tag: 'v2' }, [{ name: 'chart-image', image: 'repo/img:v2', paths: { image: 'image', tag: 'tag' } }]],
    ['registry + image', { registry: 'r.example.com', image: 'repo/img:3' }, [{ name: 'chart-image', image: 'r.example.com/repo/img:3', paths: { image: 'image', registry: 'registry' } }]],
    [
      'registry + image + tag',
      { registry: 'localhost:5000', image: 'repo/img', tag: '4' },
      [{ name: 'chart-image', image: 'localhost:5000/repo/img:4', paths: { image: 'image', registry: 'registry', tag: 'tag' } }],
    ],
    ['a registry key replaces the one in image', { registry: 'r.io', image: 'quay.io/repo/img:1' }, [{ name: 'chart-image', image: 'r.io/repo/img:1', paths: { image: 'image', registry: 'registry' } }]],
    [
      'image: {repository, tag}',
      { image: { repository: 'bitnami/redis', tag: '7.2.4' } },
      [{ name: 'chart-image', image: 'bitnami/redis:7.2.4', paths: { repository: 'image.repository', tag: 'image.tag' } }],
    ],
    [
      'image: {registry, repository, tag}',
      { image: { registry: 'docker.io', repository: 'bitnami/redis', tag: '7.2.4', pullPolicy: 'IfNotPresent' } },
      [{ name: 'chart-image', image: 'docker.io/bitnami/redis:7.2.4', paths: { registry: 'image.registry', repository: 'image.repository', tag: 'image.tag' } }],
    ],
    ['image: {repository} alone', { image: { repository: 'nginx' } }, [{ name: 'chart-image', image: 'nginx', paths: { repository: 'image.repository' } }]],
    ['a first-level key is a container named after it', { app: { image: 'repo/app:1' } }, [{ name: 'app', image: 'repo/app:1', paths: { image: 'app.image' } }]],
    [
      'a first-level key with image: {repository, tag}',
      { db: { image: { repository: 'postgres', tag: '16' } } },
      [{ name: 'db', image: 'postgres:16', paths: { repository: 'db.image.repository', tag: 'db.image.tag' } }],
    ],
    ['a first-level key with registry + image + tag', { worker: { registry: 'ghcr.io', image: 'org/worker', tag: 'sha-1' } }, [
      { name: 'worker', image: 'ghcr.io/org/worker:sha-1', paths: { registry: 'worker.registry', image: 'worker.image', tag: 'worker.tag' } },
    ]],
    ['chart-image first, then by name', { zeta: { image: 'z:1' }, image: 'top:1', alpha: { image: 'a:1' } }, [
      { name: 'chart-image', image: 'top:1', paths: { image: 'image' } },
      { name: 'alpha', image: 'a:1', paths: { image: 'alpha.image' } },
      { name: 'zeta', image: 'z:1', paths: { image: 'zeta.image' } },
    ]],
    ['a tag that is not a string is not used (tag: 1.10 is a number)', { image: 'repo/img', tag: 1.1 }, [{ name: 'chart-image', image: 'repo/img', paths: { image: 'image' } }]],
    ['a registry that is not a string is not used', { image: 'repo/img:1', registry: { host: 'x' } }, [{ name: 'chart-image', image: 'repo/img:1', paths: { image: 'image' } }]],
    ['second-level keys are not searched', { a: { b: { image: 'deep:1' } } }, []],
    ['an empty image is none', { image: '' }, []],
    ['an image with two tags is none', { image: 'a:b:c' }, []],
    ['a trailing slash is none', { image: 'repo/' }, []],
    ['an image that is a number is none', { image: 5 }, []],
    ['image: {tag} without a repository is none', { image: { tag: '1' } }, []],
    ['a first-level key holding a string is no container', { nameOverride: 'web', image2: 'x:1' }, []],
  ];
  for (const [what, values, containers] of detection) {
    it(what, () => assert.deepEqual(hr(values), containers));
  }

  const values = {
    image: { repository: 'bitnami/redis', tag: '7.2.4' },
    app: { img: { repo: 'repo/app', version: '2.0', host: 'r.example.com' }, ref: 'repo/app:2.1' },
  };
  // [what, annotations, container named "app"]
  const mappings: Array<[string, Record<string, string>, ContainerImage | undefined]> = [
    ['repository only', { 'repository.fluxcd.io/app': 'app.ref' }, { name: 'app', image: 'repo/app:2.1', paths: { repository: 'app.ref' } }],
    ['repository + tag', { 'repository.fluxcd.io/app': 'app.img.repo', 'tag.fluxcd.io/app': 'app.img.version' }, {
      name: 'app', image: 'repo/app:2.0', paths: { repository: 'app.img.repo', tag: 'app.img.version' },
    }],
    ['registry + repository', { 'repository.fluxcd.io/app': 'app.ref', 'registry.fluxcd.io/app': 'app.img.host' }, {
      name: 'app', image: 'r.example.com/repo/app:2.1', paths: { repository: 'app.ref', registry: 'app.img.host' },
    }],
    ['registry + repository + tag', {
      'registry.fluxcd.io/app': 'app.img.host', 'repository.fluxcd.io/app': 'app.img.repo', 'tag.fluxcd.io/app': 'app.img.version',
    }, { name: 'app', image: 'r.example.com/repo/app:2.0', paths: { registry: 'app.img.host', repository: 'app.img.repo', tag: 'app.img.version' } }],
    ['a path to nothing maps nothing', { 'repository.fluxcd.io/app': 'app.missing' }, undefined],
    ['a tag path to nothing maps nothing', { 'repository.fluxcd.io/app': 'app.img.repo', 'tag.fluxcd.io/app': 'app.nope' }, undefined],
    ['registry + tag without a repository maps nothing', { 'registry.fluxcd.io/app': 'app.img.host', 'tag.fluxcd.io/app': 'app.img.version' }, undefined],
    ['a path to a mapping maps nothing', { 'repository.fluxcd.io/app': 'app.img' }, undefined],
  ];
  for (const [what, annotations, app] of mappings) {
    it(`mapping by annotation: ${what}`, () => {
      const found = hr(values, annotations);
      assert.deepEqual(found?.find((c) => c.name === 'app'), app);
      assert.equal(found?.[0]?.name, 'chart-image'); // detection of the rest still stands
    });
  }

  it('a mapping overrides the detected image of the same name, and an unresolvable one leaves it', () => {
    const v = { image: 'repo/top:1', custom: { path: 'repo/other:9' } };
    assert.deepEqual(hr(v, { 'repository.fluxcd.io/chart-image': 'custom.path' })?.[0], { name: 'chart-image', image: 'repo/other:9', paths: { repository: 'custom.path' } });
    assert.deepEqual(hr(v, { 'repository.fluxcd.io/chart-image': 'custom.nothing' })?.[0], { name: 'chart-image', image: 'repo/top:1', paths: { image: 'image' } });
  });

  it('a HelmRelease has no pull secrets and no service account of its own', () => {
    const w = workloadOf(manifest('helm.fluxcd.io/v1', 'HelmRelease', { spec: { values: { image: 'a:1' } } }));
    assert.deepEqual([w?.id, w?.imagePullSecrets, w?.serviceAccountName], ['apps:helmrelease/web', [], undefined]);
    assert.deepEqual(workloadOf(manifest('helm.fluxcd.io/v1', 'HelmRelease', { spec: {} }))?.containers, []);
  });
});
