import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { type ChartRepo, startChartRepo } from './support/chart-repo.ts';
import { freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { applyCrd } from './support/crd.ts';
import { helmReleases } from './support/helm-releases.ts';
import { makeTlsFiles } from './support/redis-tls-files.ts';

const AUTH = { username: 'chart-reader', password: 'repo-pw-5f1e9c' };

// Private chart repositories as the Helm Operator reached them: a Helm repositories.yaml given by
// --helm-repository-import, its entries matched to spec.chart.repository by URL. One repository wants Basic auth
// (htpasswd-style), the other serves https:// with a certificate of a test CA and requires a client certificate.
describe('Helm repository credentials and TLS files from repositories.yaml (--helm-repository-import)', () => {
  const kc = kubeConfig();
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const dir = mkdtempSync(join(tmpdir(), 'capstan-repositories-file-'));
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let basic: ChartRepo;
  let tls: ChartRepo;
  let hrs: ReturnType<typeof helmReleases>;
  let repositoriesFile = '';
  const running: CapstanProcess[] = [];
  const chart = (repo: ChartRepo) => ({ repository: repo.url, name: 'hello', version: '0.1.0' });

  before(async () => {
    await applyCrd(kc);
    [ns, dropNamespace] = await freshNamespace(kc, 'repofile');
    hrs = helmReleases(kc, ns);
    const files = makeTlsFiles(dir, 'charts');
    basic = await startChartRepo({ auth: AUTH });
    tls = await startChartRepo({ tls: { cert: files.serverCert, key: files.serverKey, ca: files.ca } });
    await Promise.all([basic.publish('0.1.0'), tls.publish('0.1.0')]);
    repositoriesFile = join(dir, 'repositories.yaml');
    // as `helm repo add` writes it; the TLS files relative to the file's folder, as a mounted Secret holds them
    writeFileSync(repositoriesFile, `apiVersion: ""
repositories:
- name: basic
  url: ${basic.url}/
  username: ${AUTH.username}
  password: ${AUTH.password}
  caFile: ""
  insecure_skip_tls_verify: false
- name: tls
  url: ${tls.url}
  certFile: charts-client.pem
  keyFile: charts-client.key
  caFile: charts-ca.pem
`, { mode: 0o600 });
  });
  after(async () => {
    for (const p of running) await p.stop();
    await basic?.close();
    await tls?.close();
    await dropNamespace();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (args: string[]): Promise<CapstanProcess> => {
    const p = await startCapstan({ role: 'run', namespace: ns, queue: uniqueName('repofile'), args });
    running.push(p);
    return p;
  };

  it('without the file, each release reports why its chart cannot be fetched', async () => {
    const capstan = await start([]);
    await hrs.create('basic-nofile', { releaseName: 'basic-nofile', chart: chart(basic) });
    await hrs.create('tls-nofile', { releaseName: 'tls-nofile', chart: chart(tls) });
    const b = await hrs.waitFor('basic-nofile', 'ChartFetched', 'False');
    assert.match(b.status?.conditions?.find((c) => c.type === 'ChartFetched')?.message ?? '',
      /HTTP 401 from http:\/\/127\.0\.0\.1:\d+\/index\.yaml: authentication required.*--helm-repository-import/);
    const t = await hrs.waitFor('tls-nofile', 'ChartFetched', 'False');
    assert.match(t.status?.conditions?.find((c) => c.type === 'ChartFetched')?.message ?? '',
      /could not reach https:\/\/127\.0\.0\.1:\d+\/index\.yaml: SELF_SIGNED_CERT_IN_CHAIN .*a private CA \(caFile\) .* --helm-repository-import/);
    await capstan.stop();
  });

  it('with the file, a worker installs from both repositories and shows the password nowhere', async () => {
    // the Basic-auth repository is http:// on loopback: sending it credentials needs --allow-insecure-credentials
    const capstan = await start([`--helm-repository-import=v3:${repositoriesFile}`, '--allow-insecure-credentials']);
    await hrs.create('basic', { releaseName: 'basic', chart: chart(basic) });
    await hrs.create('tls', { releaseName: 'tls', chart: chart(tls) });
    for (const name of ['basic', 'tls']) {
      const hr = await hrs.waitFor(name, 'Ready', 'True', 120_000);
      assert.equal(hr.status?.revision, '0.1.0');
      const deployment = await apps.readNamespacedDeployment({ name: `${name}-hello`, namespace: ns });
      assert.equal(deployment.metadata?.name, `${name}-hello`);
      assert.doesNotMatch(JSON.stringify(hr.status), new RegExp(AUTH.password));
    }
    assert.ok(basic.requests.includes('index.yaml') && basic.requests.includes('hello-0.1.0.tgz'));
    assert.doesNotMatch(capstan.output(), new RegExp(AUTH.password), 'the password is in no log line');
  });
});
