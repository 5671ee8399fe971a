import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { ANTECEDENT_ANNOTATION } from '../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import type { CapstanProcess } from './support/capstan.ts';
import type { ChartRepo } from './support/chart-repo.ts';
import { type ReleaseEnv, startReleaseEnv } from './support/release-env.ts';
import { eventually, kubeConfig, uniqueName } from './support/cluster.ts';
import { helmHistory, type helmReleases } from './support/helm-releases.ts';

describe('capstan run reconciles helm.fluxcd.io/v1 HelmReleases with the real helm', () => {
  const kc = kubeConfig();
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  let env: ReleaseEnv | undefined;
  let ns = '';
  let repo: ChartRepo;
  let capstan: CapstanProcess;
  let hrs: ReturnType<typeof helmReleases>;
  const queue = uniqueName('releases');
  const chart = () => ({ repository: repo.url, name: 'hello', version: '0.1.0' });
  const message = async (release: string) =>
    (await apps.readNamespacedDeployment({ name: `${release}-hello`, namespace: ns })).spec?.template.metadata?.annotations?.['hello/message'];

  before(async () => {
    env = await startReleaseEnv({ prefix: 'hr', queue: queue });
    ({ ns, repo, capstan, hrs } = env);
  });
  after(async () => env?.stop());


  it('installs a release, records status as the Helm Operator did, and annotates its objects', async () => {
    await hrs.create('web', { chart: chart(), releaseName: 'web', values: { message: 'first' } });
    const hr = await hrs.waitFor('web', 'Ready', 'True');
    assert.equal(hr.status?.phase, 'Succeeded');
    assert.equal(hr.status?.releaseName, 'web');
    assert.equal(hr.status?.releaseStatus, 'deployed');
    assert.equal(hr.status?.revision, '0.1.0');
    assert.equal(hr.status?.conditions?.find((c) => c.type === 'Released')?.reason, 'Succeeded');
    assert.equal(hr.status?.conditions?.find((c) => c.type === 'ChartFetched')?.status, 'True');
    assert.ok(hr.metadata.finalizers?.includes('helm.fluxcd.io/finalizer'));
    assert.equal(await message('web'), 'first');
    const svc = await core.readNamespacedService({ name: 'web-hello', namespace: ns });
    assert.equal(svc.metadata?.annotations?.[ANTECEDENT_ANNOTATION], `${ns}:helmrelease/web`);
    const events = await core.listNamespacedEvent({ namespace: ns, fieldSelector: 'involvedObject.name=web' });
    assert.ok(events.items.some((e) => e.reason === 'ReleaseSynced'));
  });

  it('upgrades when values change, and a resync of the unchanged release runs no helm', async () => {
    await hrs.patchSpec('web', { values: { message: 'second' } });
    await eventually('the upgrade', async () => ((await message('web')) === 'second' ? true : undefined));
    const hr = await hrs.waitFor('web', 'Ready', 'True');
    assert.equal(hr.status?.lastReleaseVersion, 2);
    assert.deepEqual((await helmHistory(kc, ns, 'web')).map((h) => h.status), ['deployed', 'superseded']);

    const before = await capstan.metric('capstan_helm_invocations_total');
    const resyncs = await capstan.metric('capstan_release_enqueued_total', { reason: 'resync' });
    // at least two resyncs of every release (interval 3 s) go by
    await eventually('two resyncs', async () => ((await capstan.metric('capstan_release_enqueued_total', { reason: 'resync' })) >= resyncs + 2 ? true : undefined), 30_000);
    await eventually('the resync jobs to finish', async () => ((await capstan.metric('flux_helm_operator_release_duration_seconds_count', { outcome: 'unchanged' })) >= 2 ? true : undefined), 30_000);
    assert.equal(await capstan.metric('capstan_helm_invocations_total'), before, 'a resync ran helm');
    assert.equal((await helmHistory(kc, ns, 'web')).length, 2);
  });

  it('upgrades when a ConfigMap named in valuesFrom changes', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'cm-values' }, data: { 'values.yaml': 'message: from-configmap\n' } } });
    await hrs.create('cm', { chart: chart(), releaseName: 'cm', valuesFrom: [{ configMapKeyRef: { name: 'cm-values' } }] });
    await hrs.waitFor('cm', 'Ready', 'True');
    assert.equal(await message('cm'), 'from-configmap');
    await core.patchNamespacedConfigMap({ namespace: ns, name: 'cm-values', body: { data: { 'values.yaml': 'message: changed\n' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    await eventually('the upgrade from the ConfigMap', async () => ((await message('cm')) === 'changed' ? true : undefined));
  });

  it('picks the newest chart version matching a semver range, and follows a new one', async () => {
    await repo.publish('0.2.0');
    await repo.publish('1.0.0');
    await hrs.create('ranged', { chart: { repository: repo.url, name: 'hello', version: '>=0.1.0 <1.0.0' }, releaseName: 'ranged' });
    const first = await hrs.waitFor('ranged', 'Ready', 'True');
    assert.equal(first.status?.revision, '0.2.0');
    await repo.publish('0.3.0');
    await eventually('the release to follow 0.3.0', async () => ((await hrs.get('ranged')).status?.revision === '0.3.0' || undefined), 60_000);
    const history = await helmHistory(kc, ns, 'ranged');
    assert.deepEqual(history.map((h) => h.status), ['deployed', 'superseded']);
  });

  it('shows every release job on the queue dashboard, with identity and reason only', async () => {
    await core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'creds' }, stringData: { 'values.yaml': 'message: s3cr3t-dashboard-value\n' } } });
    await hrs.create('secretive', { chart: chart(), releaseName: 'secretive', valuesFrom: [{ secretKeyRef: { name: 'creds' } }] });
    await hrs.waitFor('secretive', 'Ready', 'True');
    assert.equal(await message('secretive'), 's3cr3t-dashboard-value');
    const page = await fetch(`${capstan.url}/dashboard/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i);
    // the job completes a moment after the status it wrote
    const { text, mine } = await eventually('the completed job on the dashboard', async () => {
      const api = await fetch(`${capstan.url}/dashboard/api/queues?activeQueue=${encodeURIComponent(queue)}&status=completed&page=1`);
      assert.equal(api.status, 200);
      const text = await api.text();
      const body = JSON.parse(text) as { queues: Array<{ name: string; jobs: Array<{ name: string; data: Record<string, unknown> }> }> };
      const mine = (body.queues.find((q) => q.name === queue)?.jobs ?? []).filter((j) => j.name === `${ns}/secretive`);
      return mine.length > 0 ? { text, mine } : undefined;
    }, 20_000);
    for (const j of mine) assert.deepEqual(Object.keys(j.data).sort(), ['name', 'namespace', 'reason']);
    assert.ok(!text.includes('s3cr3t-dashboard-value'), 'a Secret value reached the dashboard');
    assert.ok(!capstan.output().includes('s3cr3t-dashboard-value'), 'a Secret value reached the logs');
  });

  it('installs a release only after the HelmReleases it dependsOn are Ready', async () => {
    await hrs.create('base', { chart: { ...chart(), version: '9.9.9' }, releaseName: 'base' });
    await hrs.create('app', { chart: chart(), releaseName: 'app', dependsOn: [{ name: 'base' }] });
    const waiting = await eventually('app to wait for base', async () => {
      const c = (await hrs.get('app')).status?.conditions?.find((x) => x.type === 'Ready');
      return c?.reason === 'DependencyNotReady' ? c : undefined;
    });
    assert.match(waiting.message ?? '', new RegExp(`${ns}/base`));
    assert.equal((await helmHistory(kc, ns, 'app')).length, 0);
    await hrs.patchSpec('base', { chart: chart() });
    await hrs.waitFor('base', 'Ready', 'True');
    await hrs.waitFor('app', 'Ready', 'True', 60_000);
    assert.ok((await capstan.metric('capstan_release_enqueued_total', { reason: 'dependency-ready' })) >= 1, 'app was not enqueued when base became Ready');
  });

  it('uninstalls the release when the HelmRelease is deleted', async () => {
    await hrs.create('doomed', { chart: chart(), releaseName: 'doomed' });
    await hrs.waitFor('doomed', 'Ready', 'True');
    await hrs.delete('doomed');
    await hrs.gone('doomed');
    assert.deepEqual(await helmHistory(kc, ns, 'doomed'), []);
    await assert.rejects(apps.readNamespacedDeployment({ name: 'doomed-hello', namespace: ns }), (err: { code?: number }) => err.code === 404);
  });
});
