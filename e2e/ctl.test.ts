import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { execa } from 'execa';
import { parse } from 'yaml';
import type { HelmRelease } from '../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { eventually, kubeConfig, uniqueName } from './support/cluster.ts';
import { helmHistory } from './support/helm-releases.ts';
import { type ReleaseEnv, startReleaseEnv } from './support/release-env.ts';

const BIN = new URL('../bin/capstan', import.meta.url).pathname;

// `capstan ctl` as a user runs it: the user's kubeconfig (KUBECONFIG) and helm; no Capstan flags.
const ctl = (...args: string[]) => execa(BIN, ['ctl', ...args], { reject: false, timeout: 240_000 });

describe('capstan ctl on HelmReleases, against a running operator and worker', () => {
  const kc = kubeConfig();
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  let env: ReleaseEnv | undefined;
  let ns = '';
  const message = async (release: string) =>
    (await apps.readNamespacedDeployment({ name: `${release}-hello`, namespace: ns })).spec?.template.metadata?.annotations?.['hello/message'];

  before(async () => {
    // a resync every 10 minutes: whatever happens within the test is what ctl asked for, not a resync
    env = await startReleaseEnv({ prefix: 'ctl', queue: uniqueName('ctl'), args: ['--charts-sync-interval', '10m'] });
    ns = env.ns;
    await env.hrs.create('web', { chart: env.chart(), releaseName: 'web', values: { message: 'first' } });
    await env.hrs.waitFor('web', 'Ready', 'True');
  });
  after(async () => env?.stop());

  it('get hr prints the kubectl columns, the last action and its duration; -o json and -o yaml the objects', async () => {
    const table = await ctl('get', 'hr', '-n', ns);
    assert.equal(table.exitCode, 0, table.stderr);
    const [head, row] = table.stdout.split('\n');
    assert.match(head ?? '', /^NAME +RELEASE +PHASE +RELEASESTATUS +MESSAGE +AGE +READY +SUSPENDED +LAST ACTION +DURATION$/);
    assert.match(row ?? '', /^web +web +Succeeded +deployed +Release was successful .* True +False +install succeeded +\d+(ms|s|m\d*s?)$/);
    const json = await ctl('get', 'hr', 'web', '-n', ns, '-o', 'json');
    const hr = JSON.parse(json.stdout) as HelmRelease;
    assert.equal(hr.status?.lastAction?.action, 'install');
    assert.equal(hr.status?.lastAction?.succeeded, true);
    const list = parse((await ctl('get', 'hr', '-n', ns, '-o', 'yaml')).stdout) as { items: HelmRelease[] };
    assert.deepEqual(list.items.map((i) => i.metadata.name), ['web']);
  });

  it('diff hr finds nothing to change in a release that is up to date (exit 0, no output)', async () => {
    const diff = await ctl('diff', 'hr', 'web', '-n', ns, '--allow-private-networks');
    assert.equal(diff.exitCode, 0, diff.stderr);
    assert.equal(diff.stdout, '');
  });

  it('suspend hr: a spec change is left alone; diff hr shows what an upgrade would change (exit 1); reconcile hr refuses', async () => {
    const suspend = await ctl('suspend', 'hr', 'web', '-n', ns);
    assert.equal(suspend.exitCode, 0, suspend.stderr);
    assert.equal((await env?.hrs.get('web'))?.spec.suspend, true);
    await env?.hrs.patchSpec('web', { values: { message: 'second' } });
    const diff = await ctl('diff', 'hr', 'web', '-n', ns, '--allow-private-networks');
    assert.equal(diff.exitCode, 1, diff.stderr);
    assert.match(diff.stdout, new RegExp(`^--- live: apps/v1 Deployment ${ns}/web-hello\\n\\+\\+\\+ upgrade: apps/v1 Deployment ${ns}/web-hello\\n@@ `, 'm'));
    assert.match(diff.stdout, /^-\s+hello\/message: first$/m);
    assert.match(diff.stdout, /^\+\s+hello\/message: second$/m);
    assert.doesNotMatch(diff.stdout, / v1 Service /, 'the unchanged Service is not in the diff');
    assert.doesNotMatch(diff.stdout, /hello-test/, 'a test hook is run by helm, not applied');
    assert.equal(await message('web'), 'first', 'a suspended release is not upgraded');
    const refused = await ctl('reconcile', 'hr', 'web', '-n', ns);
    assert.equal(refused.exitCode, 1);
    assert.match(refused.stderr, /is suspended: capstan ctl resume hr web first/);
  });

  it('resume hr upgrades and waits for it; history hr lists both revisions with their reasons; get hr shows the upgrade', async () => {
    const resume = await ctl('resume', 'hr', 'web', '-n', ns);
    assert.equal(resume.exitCode, 0, resume.stderr);
    assert.match(resume.stdout, new RegExp(`^HelmRelease ${ns}/web reconciled: phase Succeeded`));
    assert.equal(await message('web'), 'second');
    assert.deepEqual((await helmHistory(kc, ns, 'web')).map((h) => h.status), ['deployed', 'superseded']);
    const history = await ctl('history', 'hr', 'web', '-n', ns);
    assert.equal(history.exitCode, 0, history.stderr);
    const lines = history.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^REVISION +UPDATED +STATUS +CHART +APP VERSION +DESCRIPTION$/);
    assert.match(lines[1] ?? '', /^1 +\S+ +superseded +hello-0\.1\.0 +\S+ +Capstan: \S/);
    assert.match(lines[2] ?? '', /^2 +\S+ +deployed +hello-0\.1\.0 +\S+ +Capstan: \S/);
    const json = JSON.parse((await ctl('history', 'hr', 'web', '-n', ns, '-o', 'json')).stdout) as Array<{ revision: number; status: string }>;
    assert.deepEqual(json.map((e) => [e.revision, e.status]), [[2, 'deployed'], [1, 'superseded']]);
    assert.match((await ctl('get', 'hr', 'web', '-n', ns)).stdout, /upgrade succeeded/);
    const diff = await ctl('diff', 'hr', 'web', '-n', ns, '--allow-private-networks');
    assert.deepEqual([diff.exitCode, diff.stdout], [0, '']);
  });

  it('reconcile hr runs the release now, long before the next resync, with a progress line, and records the request handled', async () => {
    const run = await ctl('reconcile', 'hr', 'web', '-n', ns);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^HelmRelease ${ns}/web reconciled: phase Succeeded`));
    assert.match(run.stderr, new RegExp(`HelmRelease ${ns}/web: reconciling`));
    const hr = await env?.hrs.get('web');
    assert.equal(hr?.status?.lastHandledReconcileAt, hr?.metadata.annotations?.['reconcile.fluxcd.io/requestedAt']);
    assert.ok(await env?.capstan.metric('capstan_release_enqueued_total', { reason: 'requested' }));
  });

  it('reconcile hr of a release that cannot be released exits 1 with its message', async () => {
    await env?.hrs.create('broken', { chart: { ...(env?.chart() ?? {}), version: '9.9.9' }, releaseName: 'broken' });
    await eventually('the broken release to be tried', async () => ((await env?.hrs.get('broken'))?.status?.phase ? true : undefined));
    const run = await ctl('reconcile', 'hr', 'broken', '-n', ns, '--timeout', '3m');
    assert.equal(run.exitCode, 1, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`^HelmRelease ${ns}/broken failed: phase ChartFetchFailed: .*9\\.9\\.9`));
  });

  it('exit 3 for a HelmRelease that does not exist, 2 for a bad flag', async () => {
    const missing = await ctl('get', 'hr', 'nothing-here', '-n', ns);
    assert.equal(missing.exitCode, 3);
    assert.match(missing.stderr, new RegExp(`capstan ctl: HelmRelease ${ns}/nothing-here: not found`));
    const usage = await ctl('get', 'hr', '--colour');
    assert.equal(usage.exitCode, 2);
    assert.match(usage.stderr, /unknown option '--colour'/);
  });
});
