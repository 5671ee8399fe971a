import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { applyCrd } from './support/crd.ts';
import { copyInto, git, type GitServer, startGitServer } from './support/git-server.ts';
import { HELLO_CHART } from './support/helm.ts';
import { helmHistory, helmReleases } from './support/helm-releases.ts';

describe('HelmReleases with a chart from a Git repository', () => {
  const kc = kubeConfig();
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let server: GitServer;
  let url = '';
  let work = '';
  let capstan: CapstanProcess;
  let hrs: ReturnType<typeof helmReleases>;
  const push = async (message: string) => {
    await git(work, 'add', '-A');
    await git(work, 'commit', '-m', message);
    await git(work, 'push', 'origin', 'HEAD:main');
    return (await git(work, 'rev-parse', 'HEAD')).stdout;
  };
  const message = async (release: string) =>
    (await apps.readNamespacedDeployment({ name: `${release}-hello`, namespace: ns })).spec?.template.metadata?.annotations?.['hello/message'];

  before(async () => {
    await applyCrd(kc);
    [ns, dropNamespace] = await freshNamespace(kc, 'gitchart');
    hrs = helmReleases(kc, ns);
    server = await startGitServer();
    url = await server.createRepo('charts');
    work = await server.clone(url, 'work');
    copyInto(HELLO_CHART, join(work, 'charts', 'hello'));
    writeFileSync(join(work, 'README.md'), 'charts\n');
    await push('Add the hello chart');
    // resync is slow on purpose: changes must arrive through the Git poller
    capstan = await startCapstan({ role: 'run', namespace: ns, queue: uniqueName('gitcharts'), args: ['--charts-sync-interval', '1h', '--git-poll-interval', '1s'] });
  });
  after(async () => {
    await capstan?.stop();
    await server?.close();
    await dropNamespace();
  });

  it('installs from chart.git + ref + path, upgrades on a commit under the path and only then', async () => {
    const first = (await git(work, 'rev-parse', 'HEAD')).stdout;
    await hrs.create('fromgit', { chart: { git: url, ref: 'main', path: 'charts/hello' }, releaseName: 'fromgit' });
    const hr = await hrs.waitFor('fromgit', 'Ready', 'True');
    assert.equal(hr.status?.revision, first);
    assert.equal(await message('fromgit'), 'hello');

    // a commit outside the chart path: the release is looked at, and left alone
    const triggered = await capstan.metric('capstan_release_enqueued_total', { reason: 'chart-changed' });
    const helmRuns = await capstan.metric('capstan_helm_invocations_total');
    writeFileSync(join(work, 'README.md'), 'charts, documented\n');
    await push('Document the charts');
    await eventually('the poller to notice the commit', async () =>
      ((await capstan.metric('capstan_release_enqueued_total', { reason: 'chart-changed' })) > triggered || undefined), 30_000);
    await eventually('the job to finish', async () =>
      ((await capstan.metric('flux_helm_operator_release_duration_seconds_count', { outcome: 'unchanged' })) >= 1 || undefined), 30_000);
    assert.equal(await capstan.metric('capstan_helm_invocations_total'), helmRuns, 'a commit outside the chart path ran helm');
    assert.ok((await capstan.metric('capstan_git_chart_polls_total', { result: 'changed' })) >= 1);
    assert.equal((await helmHistory(kc, ns, 'fromgit')).length, 1);

    // a commit under the chart path: upgraded to that commit
    const values = join(work, 'charts', 'hello', 'values.yaml');
    writeFileSync(values, readFileSync(values, 'utf8').replace('message: hello', 'message: from-git'));
    const second = await push('Change the chart message');
    await eventually('the upgrade from Git', async () => ((await message('fromgit')) === 'from-git' || undefined), 60_000);
    await eventually('status.revision to be the new commit', async () => ((await hrs.get('fromgit')).status?.revision === second || undefined));
  });

  it('refuses a chart.path that climbs out of the repository, naming the field', async () => {
    await hrs.create('escape', { chart: { git: url, ref: 'main', path: '../../etc' }, releaseName: 'escape' });
    const ready = await eventually('escape to report why it is not Ready', async () => {
      const c = (await hrs.get('escape')).status?.conditions?.find((x) => x.type === 'Ready');
      return c?.status === 'False' ? c : undefined;
    });
    assert.match(ready.message ?? '', /spec\.chart\.path/);
    assert.equal((await helmHistory(kc, ns, 'escape')).length, 0);
  });
});
