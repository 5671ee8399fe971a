import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import type { CapstanProcess } from './support/capstan.ts';
import type { ChartRepo } from './support/chart-repo.ts';
import { type ReleaseEnv, startReleaseEnv } from './support/release-env.ts';
import { eventually, kubeConfig, uniqueName } from './support/cluster.ts';
import { helmHistory, type helmReleases } from './support/helm-releases.ts';

// Counts, from now on, the reconciles of HelmRelease `name` that capstan logs as ending in `outcome`.
function countReconciles(capstan: CapstanProcess, name: string, outcome: string): () => number {
  let count = 0;
  let partial = '';
  capstan.proc.all?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.includes('"msg":"reconciled"') && line.includes(`"name":"${name}"`) && line.includes(`"outcome":"${outcome}"`)) count++;
    }
  });
  return () => count;
}

describe('failing releases: rollback, retry budget, tests, bad input', () => {
  const kc = kubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  let env: ReleaseEnv | undefined;
  let ns = '';
  let repo: ChartRepo;
  let capstan: CapstanProcess;
  let hrs: ReturnType<typeof helmReleases>;
  const chart = () => ({ repository: repo.url, name: 'hello', version: '0.1.0' });
  const condition = async (name: string, type: string) => (await hrs.get(name)).status?.conditions?.find((c) => c.type === type);

  before(async () => {
    env = await startReleaseEnv({ prefix: 'hrfail', queue: uniqueName('failures'), args: ['--concurrency', '6'] });
    ({ ns, repo, hrs, capstan } = env);
  });
  after(async () => env?.stop());


  it('rolls back a failing upgrade, counts rollbackCount, and waits for new inputs', async () => {
    await hrs.create('rb', { chart: chart(), releaseName: 'rb', timeout: 5, rollback: { enable: true } });
    await hrs.waitFor('rb', 'Ready', 'True');
    await hrs.patchSpec('rb', { values: { fail: true } });
    const hr = await hrs.waitFor('rb', 'Stalled', 'True');
    assert.equal(hr.status?.rollbackCount, 1);
    assert.equal(hr.status?.phase, 'RolledBack');
    assert.equal(hr.status?.conditions?.find((c) => c.type === 'RolledBack')?.status, 'True');
    assert.equal(hr.status?.conditions?.find((c) => c.type === 'Released')?.status, 'False');
    assert.equal(hr.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
    assert.match(hr.status?.conditions?.find((c) => c.type === 'Stalled')?.message ?? '', /rolled back/);
    assert.deepEqual((await helmHistory(kc, ns, 'rb')).map((h) => h.status), ['deployed', 'failed', 'superseded']);

    // new inputs get a new attempt, which succeeds and resets the rollback count
    await hrs.patchSpec('rb', { values: { fail: false, message: 'fixed' } });
    const fixed = await hrs.waitFor('rb', 'Ready', 'True');
    assert.equal(fixed.status?.rollbackCount, 0);
    assert.equal(fixed.status?.conditions?.find((c) => c.type === 'RolledBack'), undefined);
  });

  it('retries a failed upgrade up to rollback.maxRetries, then stalls naming the cause', async () => {
    await hrs.create('budget', { chart: chart(), releaseName: 'budget', timeout: 3, wait: true, rollback: { maxRetries: 2 } });
    await hrs.waitFor('budget', 'Ready', 'True');
    await hrs.patchSpec('budget', { values: { fail: true } });
    const hr = await hrs.waitFor('budget', 'Stalled', 'True', 120_000);
    const stalled = hr.status?.conditions?.find((c) => c.type === 'Stalled');
    assert.equal(stalled?.reason, 'RetriesExceeded');
    assert.match(stalled?.message ?? '', /failed 2 time\(s\).*(context deadline exceeded|timed out)/s);
    assert.equal(hr.status?.failures, 2);
    // no third attempt, even across resyncs: three more reconciles of the stalled release (resync every 3 s; the one that
    // stalled it may be the first counted) run no helm
    const stalledRuns = countReconciles(capstan, 'budget', 'stalled');
    await eventually('three more reconciles of the stalled release', async () => (stalledRuns() >= 3 ? true : undefined), 30_000);
    const history = await helmHistory(kc, ns, 'budget');
    assert.equal(history.filter((h) => h.status === 'failed').length, 2);
  });

  it('runs helm test when test.enable; a passing test leaves the release Ready', async () => {
    await hrs.create('tested', { chart: chart(), releaseName: 'tested', test: { enable: true, timeout: 60 } });
    const hr = await hrs.waitFor('tested', 'Ready', 'True');
    assert.equal(hr.status?.conditions?.find((c) => c.type === 'Tested')?.status, 'True');
  });

  it('rolls back an upgrade whose tests fail, unless ignoreFailures', async () => {
    await hrs.create('badtest', { chart: chart(), releaseName: 'badtest', test: { enable: true, timeout: 30 }, rollback: { maxRetries: 1 } });
    await hrs.waitFor('badtest', 'Ready', 'True');
    await hrs.patchSpec('badtest', { values: { testFail: true } });
    const hr = await hrs.waitFor('badtest', 'Stalled', 'True');
    assert.equal(hr.status?.conditions?.find((c) => c.type === 'Tested')?.status, 'False');
    assert.equal(hr.status?.conditions?.find((c) => c.type === 'RolledBack')?.status, 'True');
    assert.equal((await helmHistory(kc, ns, 'badtest'))[0]?.status, 'deployed');

    await hrs.create('ignored', { chart: chart(), releaseName: 'ignored', values: { testFail: true }, test: { enable: true, timeout: 30, ignoreFailures: true } });
    const ignored = await hrs.waitFor('ignored', 'Ready', 'True');
    assert.equal(ignored.status?.conditions?.find((c) => c.type === 'Tested')?.status, 'False');
  });

  it('refuses a release whose objects another HelmRelease owns, naming it', async () => {
    await hrs.create('owner', { chart: chart(), releaseName: 'shared' });
    await hrs.waitFor('owner', 'Ready', 'True');
    await hrs.create('intruder', { chart: chart(), releaseName: 'shared', values: { message: 'mine now' } });
    const hr = await hrs.waitFor('intruder', 'Stalled', 'True');
    assert.match(hr.status?.conditions?.find((c) => c.type === 'Ready')?.message ?? '', new RegExp(`managed by '${ns}:helmrelease/owner'`));
    assert.equal((await helmHistory(kc, ns, 'shared')).length, 1, 'the intruder must not upgrade the release');
  });

  it('reports bad input with the field at fault, and keeps serving other releases', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'broken' }, data: { 'values.yaml': 'message: [unclosed\n' } } });
    const bad: Array<[string, Parameters<typeof hrs.create>[1], RegExp]> = [
      ['bad-yaml', { chart: chart(), valuesFrom: [{ configMapKeyRef: { name: 'broken' } }] }, /spec\.valuesFrom\[0\]\.configMapKeyRef/],
      ['no-version', { chart: { repository: repo.url, name: 'hello', version: '9.9.9' } }, /spec\.chart\.version/],
      ['no-chart', { chart: { repository: repo.url, name: 'nope', version: '0.1.0' } }, /spec\.chart\.name/],
      ['file-source', { chart: chart(), valuesFrom: [{ externalSourceRef: { url: 'file:///etc/passwd' } }] }, /spec\.valuesFrom\[0\]\.externalSourceRef\.url.*file:/],
      ['helm-v2', { chart: chart(), helmVersion: 'v2' }, /spec\.helmVersion.*Helm 3/],
      ['unreachable', { chart: { repository: 'http://127.0.0.1:1/charts', name: 'hello', version: '0.1.0' } }, /127\.0\.0\.1:1/],
    ];
    for (const [name, spec] of bad) await hrs.create(name, { releaseName: name, ...spec });
    await hrs.create('good', { chart: chart(), releaseName: 'good' });
    await hrs.waitFor('good', 'Ready', 'True');
    for (const [name, , field] of bad) {
      const ready = await eventually(`${name} to report why it is not Ready`, async () => {
        const c = await condition(name, 'Ready');
        return c?.status === 'False' ? c : undefined;
      });
      assert.match(ready.message ?? '', field, `${name}: ${ready.message}`);
      assert.equal((await helmHistory(kc, ns, name)).length, 0, `${name} must not reach helm`);
    }
    assert.equal((await condition('unreachable', 'ChartFetched'))?.status, 'False');
  });
});
