// `npm start`: Capstan end to end on this machine. With the local control plane and Redis up (e2e/with-services.sh),
// it serves a chart repository with the demo chart, applies the HelmRelease CRD and a demo HelmRelease, runs
// `capstan run` with the dashboard on 127.0.0.1:3030 (CAPSTAN_LISTEN to change), and stops on Ctrl-C.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dump } from 'js-yaml';
import { execa } from 'execa';
import * as k8s from '@kubernetes/client-node';
import { startChartRepo } from '../support/chart-repo.ts';
import { kubeConfig } from '../support/cluster.ts';
import { applyCrd } from '../support/crd.ts';
import { helmReleases } from '../support/helm-releases.ts';

const kc = kubeConfig();
await applyCrd(kc);
const repo = await startChartRepo();
await repo.publish('0.1.0');
await repo.publish('0.2.0');
const core = kc.makeApiClient(k8s.CoreV1Api);
await core.createNamespace({ body: { metadata: { name: 'demo' } } }).catch(() => undefined);
const hrs = helmReleases(kc, 'demo');
const spec = { chart: { repository: repo.url, name: 'hello', version: '0.x' }, releaseName: 'hello', values: { message: 'hello from Capstan', replicaCount: 2 }, test: { enable: true } };
await hrs.create('hello', spec).catch(() => hrs.patchSpec('hello', spec));
const file = `${process.env.CAPSTAN_CLUSTER_RUN}/hello-helmrelease.yaml`;
writeFileSync(file, dump({ apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', metadata: { name: 'hello', namespace: 'demo' }, spec }));

const listen = process.env.CAPSTAN_LISTEN ?? '127.0.0.1:3030';
const token = process.env.CAPSTAN_DASHBOARD_TOKEN ?? randomBytes(12).toString('hex');
const capstan = execa(new URL('../../bin/capstan', import.meta.url).pathname,
  ['run', '--listen', listen, '--log-format', 'json', '--charts-sync-interval', '1m'],
  { env: { CAPSTAN_DASHBOARD_TOKEN: token }, stdout: 'inherit', stderr: 'inherit', reject: false });
console.error(`
Capstan is running against a local control plane.
  export KUBECONFIG=${process.env.KUBECONFIG}
  ${process.env.CAPSTAN_KUBECTL} get hr -A            # the demo HelmRelease (${file})
  dashboard: http://${listen}/dashboard/  (user: any, password: ${token})
  chart repository: ${repo.url} (hello 0.1.0, 0.2.0)
Edit the release with kubectl (e.g. change spec.values.message) and watch the queue. Ctrl-C stops everything.
`);
await new Promise<void>((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
  void capstan.then(() => resolve());
});
capstan.kill('SIGTERM');
await capstan;
await repo.close();
