// A manifest file written the way people write them: comments, odd indentation, every quoting style, several
// documents and a List. Edits must leave all of it byte for byte, except the value they change.
export const FIXTURE = [
  '# Web tier, deployed by Capstan',
  '---',
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: web',
  '  namespace: apps',
  '  annotations:',
  '    fluxcd.io/automated: "true"   # fluxctl deautomate turns this off',
  "    flux.weave.works/tag.app: 'semver:~1.2'",
  '  labels: {app: web}',
  'spec:',
  '  replicas: 2',
  '',
  '  template:',
  '    metadata:',
  '      labels:',
  '        app: web',
  '    spec:',
  '      initContainers:',
  '      - name: migrate',
  '        image: registry.example.com/web/migrate:1.0.0 # keep in step with app',
  '      containers:',
  '        - name: app',
  '          image: "127.0.0.1:5000/app:1.2.0"',
  '          ports:',
  '            - containerPort: 8080',
  '        - name: sidecar   # proxy',
  "          image: 'envoyproxy/envoy:v1.30.1'",
  '---',
  '# a second document, in the default namespace',
  'apiVersion: batch/v1',
  'kind: CronJob',
  'metadata:',
  '    name: report',
  'spec:',
  '    schedule: "0 3 * * *"',
  '    jobTemplate:',
  '        spec:',
  '            template:',
  '                spec:',
  '                    containers:',
  '                    -   name: report',
  '                        image: reporter:2024.01',
  '                    restartPolicy: OnFailure',
  '---',
  'apiVersion: apps/v1',
  'kind: StatefulSet',
  'metadata:',
  '  name: db',
  '  namespace: apps',
  '  annotations: {fluxcd.io/locked: \'true\', fluxcd.io/locked_msg: "upgrade pending"}',
  'spec:',
  '  serviceName: db',
  '  template:',
  '    spec:',
  '      containers:',
  '      - {name: db, image: postgres:16.1}',
  '---',
  'apiVersion: v1',
  'kind: List',
  'items:',
  '- apiVersion: apps/v1',
  '  kind: DaemonSet',
  '  metadata: {name: agent, namespace: apps}',
  '  spec:',
  '    template:',
  '      spec:',
  '        containers: [{name: agent, image: agent:0.9}]',
  '- apiVersion: helm.fluxcd.io/v1',
  '  kind: HelmRelease',
  '  metadata:',
  '    name: cache',
  '    namespace: apps',
  '    annotations:',
  '      repository.fluxcd.io/worker: worker.img.repo',
  '      tag.fluxcd.io/worker: worker.img.version',
  '  spec:',
  '    chart: {repository: "https://charts.example.com", name: cache, version: 1.0.0}',
  '    values:',
  '      # the chart image',
  '      image:',
  '        registry: docker.io',
  '        repository: bitnami/redis   # pinned',
  '        tag: "7.2.4"',
  '      exporter:',
  '        image: oliver006/redis_exporter',
  '        tag: v1.55.0',
  '      sidecar:',
  '        image: busybox:1.36',
  "      proxy: {registry: ghcr.io, image: org/proxy, tag: '3.1'}",
  '      worker:',
  '        img:',
  '          repo: org/worker',
  '          version: sha-abc',
  '',
].join('\n');

// The text with `from` (which must occur exactly once) replaced by `to`: the expected result of an edit.
export function replacedOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`test fixture: "${from}" must occur exactly once`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

// The same file with Windows line endings.
export function crlf(text: string): string {
  return text.replaceAll('\n', '\r\n');
}

// The objects of FIXTURE, as the setters are given them.
export type Target = { kind: string; name: string; namespace?: string };
export const web: Target = { kind: 'Deployment', name: 'web', namespace: 'apps' };
export const report: Target = { kind: 'CronJob', name: 'report' };
export const db: Target = { kind: 'StatefulSet', name: 'db', namespace: 'apps' };
export const agent: Target = { kind: 'DaemonSet', name: 'agent', namespace: 'apps' };
export const cache: Target = { kind: 'HelmRelease', name: 'cache', namespace: 'apps' };
