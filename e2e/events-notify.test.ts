import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { type ChartRepo, startChartRepo } from './support/chart-repo.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { applyCrd } from './support/crd.ts';
import { git, type GitServer, startGitServer } from './support/git-server.ts';
import { helmReleases } from './support/helm-releases.ts';
import { type NotifyReceiver, startNotifyReceiver } from './support/notify-receiver.ts';

// The URLs are secrets: their paths carry these tokens, which must never show in Capstan's output.
const HOOK_TOKEN = 'hook-t0ken-5ecret';
const SLACK_TOKEN = 'T000/B000/slack-5ecret';

describe('Events and notifications: a failing then fixed release, a failing then fixed sync', () => {
  const kc = kubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let repo: ChartRepo;
  let server: GitServer;
  let receiver: NotifyReceiver;
  let capstan: CapstanProcess;
  let work = '';
  let hrs: ReturnType<typeof helmReleases>;
  const push = async (message: string) => {
    await git(work, 'add', '-A');
    await git(work, 'commit', '-m', message);
    await git(work, 'push', 'origin', 'HEAD:main');
    assert.equal((await fetch(`${capstan.url}/api/flux/v11/notify`, { method: 'POST', body: '{}' })).status, 202);
  };
  const notices = (path: string, kind: string, name: string) => receiver.posts.filter((p) => p.path.startsWith(path) && JSON.stringify(p.body).includes(kind) && JSON.stringify(p.body).includes(name));
  const reasons = async (kind: string, name: string) =>
    (await core.listNamespacedEvent({ namespace: ns, fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name}` })).items.map((e) => e.reason ?? '');

  before(async () => {
    await applyCrd(kc);
    [ns, dropNamespace] = await freshNamespace(kc, 'events');
    hrs = helmReleases(kc, ns);
    repo = await startChartRepo();
    await repo.publish('0.1.0');
    receiver = await startNotifyReceiver({ failFirst: 1 });
    server = await startGitServer();
    const url = await server.createRepo('config');
    work = await server.clone(url, 'work');
    writeFileSync(join(work, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\ndata:\n  a: b\n');
    await git(work, 'add', '-A');
    await git(work, 'commit', '-m', 'A ConfigMap');
    await git(work, 'push', 'origin', 'HEAD:main');
    capstan = await startCapstan({
      role: 'run', namespace: ns, queue: uniqueName('events'),
      args: ['--git-url', url, '--git-branch', 'main', '--sync-interval', '1h', '--k8s-default-namespace', ns, '--k8s-allow-namespace', ns, '--git-readonly'],
      env: { CAPSTAN_NOTIFY_URL: `${receiver.url}/hook/${HOOK_TOKEN}`, CAPSTAN_SLACK_URL: `${receiver.url}/slack/${SLACK_TOKEN}` },
    });
  });
  after(async () => {
    await capstan?.stop();
    await receiver?.close();
    await repo?.close();
    await server?.close().catch(() => undefined);
    await dropNamespace();
  });

  it('a release that fails records Events and notifies once (retried past a 503); fixed, it notifies its recovery', async () => {
    await hrs.create('web', { chart: { repository: repo.url, name: 'hello', version: '0.1.0' }, releaseName: 'web', timeout: 5, wait: true, values: { fail: true } });
    await eventually('the failure notice on both sinks', async () => (notices('/hook/', 'release-failed', 'web').length > 0 && notices('/slack/', 'Release failed', 'web').length > 0) || undefined, 90_000);
    await eventually('the Events of the failed install', async () => {
      const seen = await reasons('HelmRelease', 'web');
      return (['Installing', 'InstallFailed', 'FailedReleaseSync'].every((r) => seen.includes(r)) && seen) || undefined;
    }, 30_000);
    const failed = notices('/hook/', 'release-failed', 'web')[0]?.body;
    assert.equal(failed?.type, 'capstan.notice');
    assert.deepEqual(failed?.object, { kind: 'HelmRelease', namespace: ns, name: 'web' });
    assert.equal(failed?.reason, 'FailedReleaseSync');
    const slack = notices('/slack/', 'Release failed', 'web')[0]?.body as { text: string; attachments: Array<{ color: string }> };
    assert.equal(slack.text, `Release failed: HelmRelease ${ns}/web`);
    assert.equal(slack.attachments[0]?.color, 'danger');

    await hrs.patchSpec('web', { values: { fail: false } });
    await hrs.waitFor('web', 'Ready', 'True');
    await eventually('the recovery notice', async () => notices('/hook/', 'release-recovered', 'web').length > 0 || undefined, 30_000);
    assert.ok((await reasons('HelmRelease', 'web')).includes('ReleaseSynced'));
    // the retries that failed again while Ready was False told no one
    assert.equal(notices('/hook/', 'release-failed', 'web').length, 1);
    assert.ok(receiver.attempts > receiver.posts.length, 'the first post was answered 503 and sent again');
    assert.ok((await capstan.metric('capstan_notifications_total', { sink: 'webhook', result: 'retried' })) >= 1);
    assert.ok((await capstan.metric('capstan_notifications_total', { sink: 'webhook', result: 'delivered' })) >= 2);
    assert.ok((await capstan.metric('capstan_events_total', { result: 'created' })) >= 3);
    assert.ok((await capstan.metric('flux_helm_operator_release_action_duration_seconds_count', { action: 'install', success: 'false' })) >= 1);
    assert.ok((await capstan.metric('flux_helm_operator_release_action_duration_seconds_count', { action: 'upgrade', success: 'true' })) >= 1);
  });

  it('a sync that fails records a SyncFailed Event in the namespace and notifies; fixed, it notifies its recovery', async () => {
    await eventually('the first sync\'s Synced Event', async () => (await reasons('Namespace', ns)).includes('Synced') || undefined, 60_000);
    // data values must be strings: the API server refuses the object, the rest applies
    writeFileSync(join(work, 'bad.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  a:\n    nested: 1\n');
    await push('A ConfigMap the API refuses');
    await eventually('the sync failure notice', async () => notices('/hook/', 'sync-failed', 'GitSource').length > 0 || undefined, 60_000);
    await eventually('the SyncFailed Event', async () => (await reasons('Namespace', ns)).includes('SyncFailed') || undefined, 30_000);
    const event = (await core.listNamespacedEvent({ namespace: ns, fieldSelector: 'involvedObject.kind=Namespace,reason=SyncFailed' })).items[0];
    assert.match(event?.message ?? '', new RegExp(`${ns}:configmap/bad`));

    writeFileSync(join(work, 'bad.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  a: fixed\n');
    await push('Fix the ConfigMap');
    await eventually('the sync recovery notice', async () => notices('/hook/', 'sync-recovered', 'GitSource').length > 0 || undefined, 60_000);
    assert.equal(notices('/hook/', 'sync-failed', 'GitSource').length, 1);
  });

  it('never shows the notification URLs in its output', () => {
    const out = capstan.output();
    assert.ok(!out.includes(HOOK_TOKEN) && !out.includes(SLACK_TOKEN));
  });
});
