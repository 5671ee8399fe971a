import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { git, type GitServer, startGitServer } from './support/git-server.ts';

const SECRET = 'webhook-s3cret';

describe('capstan daemon with fluxd\'s flags keeps a namespace equal to a Git branch', () => {
  const kc = kubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let server: GitServer;
  let work = '';
  let daemon: CapstanProcess;
  const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  from: git\n`;
  const push = async (message: string) => {
    await git(work, 'add', '-A');
    await git(work, 'commit', '-m', message);
    await git(work, 'push', 'origin', 'HEAD:main');
  };
  let repoUrl = '';
  const startDaemon = () => startCapstan({ role: 'daemon', namespace: ns, queue: uniqueName('unused'), args: [
    // no periodic sync during the test: every sync after the first is started by a trigger
    '--git-url', repoUrl, '--git-branch', 'main', '--sync-interval', '1h', '--sync-garbage-collection',
    '--k8s-default-namespace', ns, '--git-timeout', '5s', '--git-ci-skip',
  ], env: { CAPSTAN_WEBHOOK_SECRET: SECRET } }); // secrets through the environment, never argv
  const syncs = () => daemon.metric('flux_daemon_sync_duration_seconds_count');
  const head = async () => git(work, 'rev-parse', 'HEAD').then((r) => r.stdout);
  // the commit the annotated flux-sync tag points at (ls-remote lists the peeled tag as `^{}`)
  const tag = async () => (await git(work, 'ls-remote', 'origin', 'refs/tags/flux-sync^{}')).stdout.split('\t')[0];
  const notify = async () => assert.equal((await fetch(`${daemon.url}/api/flux/v11/notify`, { method: 'POST', body: '{}' })).status, 202);
  const exists = async (name: string) => core.readNamespacedConfigMap({ name, namespace: ns }).then(() => true, () => false);

  before(async () => {
    [ns, dropNamespace] = await freshNamespace(kc, 'daemon');
    server = await startGitServer();
    const url = await server.createRepo('config');
    work = await server.clone(url, 'work');
    for (let i = 0; i < 6; i++) writeFileSync(join(work, `cm${i}.yaml`), cm(`c${i}`));
    writeFileSync(join(work, 'README.md'), 'not a manifest\n');
    await push('Six ConfigMaps');
    repoUrl = url;
    daemon = await startDaemon();
  });
  after(async () => {
    await daemon?.stop();
    await server?.close().catch(() => undefined);
    await dropNamespace();
  });

  it('applies the branch, then garbage-collects a file removed from Git', async () => {
    await eventually('the six ConfigMaps', async () => ((await Promise.all([0, 1, 2, 3, 4, 5].map((i) => exists(`c${i}`)))).every(Boolean) || undefined), 30_000);
    const cm0 = await core.readNamespacedConfigMap({ name: 'c0', namespace: ns });
    assert.match(cm0.metadata?.labels?.['fluxcd.io/sync-gc-mark'] ?? '', /^sha256\./);
    assert.ok(cm0.metadata?.annotations?.['fluxcd.io/sync-checksum']);
    rmSync(join(work, 'cm5.yaml'));
    await push('Remove c5');
    await notify();
    await eventually('c5 to be garbage-collected', async () => (!(await exists('c5')) || undefined), 30_000);
    assert.ok(await exists('c4'));
    // the record is counted when the cycle ends, a moment after its deletions
    await eventually('two complete syncs counted', async () => ((await daemon.metric('flux_daemon_sync_duration_seconds_count', { success: 'true' })) >= 2 || undefined), 30_000);
  });

  it('moves the flux-sync tag to each fully synced commit, and a restarted daemon applies nothing', async () => {
    await eventually('flux-sync at the head', async () => ((await tag()) === (await head()) || undefined), 30_000);
    await git(work, 'fetch', '--quiet', '--tags', '--force', 'origin');
    assert.equal((await git(work, 'for-each-ref', '--format=%(taggername) %(contents:subject) %(contents:body)', 'refs/tags/flux-sync')).stdout.trim(), 'Capstan Sync pointer [ci skip]');
    const api = (await (await fetch(`${daemon.url}/api/capstan/v1/sync`)).json()) as { sources: Array<{ source: string; record: { revision: string; complete: boolean; deleted: string[] } }> };
    assert.equal(api.sources[0]?.record.revision, await head());
    assert.equal(api.sources[0]?.record.complete, true);
    await daemon.stop();
    daemon = await startDaemon();
    await eventually('the first sync after the restart', async () => ((await syncs()) >= 1 || undefined), 30_000);
    assert.equal(await daemon.metric('capstan_sync_applied_total'), 0);
  });

  it('leaves the tag where it was when a file does not load', async () => {
    const before = await tag();
    writeFileSync(join(work, 'broken.yaml'), 'kind: [\n');
    await push('Break a file');
    const count = await syncs();
    await notify();
    await eventually('a sync of the broken revision', async () => ((await syncs()) > count || undefined), 30_000);
    assert.equal(await tag(), before);
    assert.equal(await daemon.metric('flux_daemon_sync_duration_seconds_count', { success: 'false' }), 1);
    rmSync(join(work, 'broken.yaml'));
    await push('Fix it');
    await notify();
    await eventually('flux-sync at the fixed head', async () => ((await tag()) === (await head()) || undefined), 30_000);
  });

  it('syncs on a signed push webhook, and refuses an unsigned one', async () => {
    writeFileSync(join(work, 'hooked.yaml'), cm('hooked'));
    await push('Add hooked');
    const payload = JSON.stringify({ ref: 'refs/heads/main' });
    const unsigned = await fetch(`${daemon.url}/hooks/git`, { method: 'POST', body: payload, headers: { 'X-Hub-Signature-256': 'sha256=00' } });
    assert.equal(unsigned.status, 401);
    const signature = `sha256=${createHmac('sha256', SECRET).update(payload).digest('hex')}`;
    const hook = await fetch(`${daemon.url}/hooks/git`, { method: 'POST', body: payload, headers: { 'X-Hub-Signature-256': signature, 'X-GitHub-Event': 'push' } });
    assert.equal(hook.status, 202);
    await eventually('the pushed ConfigMap', async () => (await exists('hooked')) || undefined, 30_000);
  });

  it('deletes nothing while Git is unreachable', async () => {
    await server.close();
    const failures = await daemon.metric('capstan_sync_cycle_failures_total');
    await notify();
    await eventually('a failed sync cycle', async () => ((await daemon.metric('capstan_sync_cycle_failures_total')) > failures || undefined), 30_000);
    for (let i = 0; i < 5; i++) assert.ok(await exists(`c${i}`), `c${i} was deleted while Git was unreachable`);
  });
});
