// `npm start`: Capstan end to end on this machine. With the local control plane and Redis up (e2e/with-services.sh),
// it serves a chart repository with the demo chart, a container registry (Debian's docker-registry) with demo
// images, and a Git repository (git daemon) holding a demo HelmRelease and Deployment that fluxd's annotations
// automate; it applies the HelmRelease CRD and runs `capstan run` (Git sync, image automation, the release
// operator and workers) with the dashboard on 127.0.0.1:3030 (CAPSTAN_LISTEN to change). Ctrl-C stops it all.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import * as k8s from '@kubernetes/client-node';
import { startChartRepo } from '../support/chart-repo.ts';
import { kubeConfig } from '../support/cluster.ts';
import { applyCrd } from '../support/crd.ts';
import { git, startGitServer } from '../support/git-server.ts';
import { pushImage, startRegistry } from '../support/registry.ts';

const kc = kubeConfig();
await applyCrd(kc);
const repo = await startChartRepo();
await repo.publish('0.1.0');
await repo.publish('0.2.0');
const registry = await startRegistry();
for (const tag of ['1.0.0', '1.0.1']) await pushImage(registry, 'demo/hello', tag, { created: new Date() });
for (const tag of ['main-1', 'main-2']) await pushImage(registry, 'demo/web', tag, { created: new Date() });
const core = kc.makeApiClient(k8s.CoreV1Api);
await core.createNamespace({ body: { metadata: { name: 'demo' } } }).catch(() => undefined);

const server = await startGitServer();
const url = await server.createRepo('demo');
const work = await server.clone(url, 'work');
writeFileSync(join(work, 'hello-helmrelease.yaml'), `# The demo release: Capstan installs it, and bumps image.tag when the registry has a newer 1.x
apiVersion: helm.fluxcd.io/v1
kind: HelmRelease
metadata:
  name: hello
  namespace: demo
  annotations:
    fluxcd.io/automated: "true"
    fluxcd.io/tag.chart-image: semver:~1
spec:
  releaseName: hello
  chart:
    repository: ${repo.url}
    name: hello
    version: 0.x
  test:
    enable: true
  values:
    message: hello from Capstan
    replicaCount: 2
    image:
      repository: ${registry.host}/demo/hello
      tag: "1.0.0"
`);
writeFileSync(join(work, 'web.yaml'), `# A plain Deployment following the newest main-* build
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: demo
  annotations:
    fluxcd.io/automated: "true"
    fluxcd.io/tag.web: glob:main-*
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: ${registry.host}/demo/web:main-1
`);
await git(work, 'add', '-A');
await git(work, 'commit', '-m', 'The demo workloads');
await git(work, 'push', 'origin', 'HEAD:main');
const env = join(process.env.CAPSTAN_CLUSTER_RUN ?? work, 'demo.env');
writeFileSync(env, `DEMO_REGISTRY=${registry.url}\n`);

const listen = process.env.CAPSTAN_LISTEN ?? '127.0.0.1:3030';
const token = process.env.CAPSTAN_DASHBOARD_TOKEN ?? randomBytes(12).toString('hex');
const capstan = execa(new URL('../../bin/capstan', import.meta.url).pathname, [
  'run', '--listen', listen, '--log-format', 'text', '--charts-sync-interval', '1m',
  '--git-url', url, '--git-branch', 'main', '--git-poll-interval', '10s', '--sync-garbage-collection',
  '--automation-interval', '15s', '--registry-insecure-host', registry.host, '--k8s-default-namespace', 'demo',
  '--allow-private-networks', // the demo chart repository and registry listen on loopback
], { env: { CAPSTAN_DASHBOARD_TOKEN: token }, stdout: 'inherit', stderr: 'inherit', reject: false });
console.error(`
Capstan is running against a local control plane.
  export KUBECONFIG=${process.env.KUBECONFIG}
  ${process.env.CAPSTAN_KUBECTL} get hr,deploy -n demo   # the demo HelmRelease and Deployment, synced from Git
  git clone ${url}                            # the demo repository: edit, commit, push; Capstan syncs it
  dashboard: http://${listen}/dashboard/  (user: any, password: ${token})
  registry: ${registry.url} (demo/hello 1.0.0, 1.0.1; demo/web main-1, main-2)
  node e2e/demo/push-tag.ts demo/hello 1.0.2    # push a new image tag: Capstan commits the bump and upgrades
  chart repository: ${repo.url} (hello 0.1.0, 0.2.0)
Within a few seconds Capstan commits "Auto-release multiple (2) images" to the repository. Ctrl-C stops everything.
`);
await new Promise<void>((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
  void capstan.then(() => resolve());
});
capstan.kill('SIGTERM');
await capstan;
await server.close();
await registry.stop();
await repo.close();
