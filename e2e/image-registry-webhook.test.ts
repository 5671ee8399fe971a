import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { git, type GitServer, startGitServer } from './support/git-server.ts';
import { freePort } from './support/net.ts';
import { pushImage, type Registry, startRegistry } from './support/registry.ts';

// docker-registry configured to notify `capstan daemon` of pushes: with an automation interval of an hour, only
// the notification can make the daemon look at the registry again.
describe('a registry push notification starts a scan at once', () => {
  const kc = kubeConfig();
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let server: GitServer;
  let reg: Registry;
  let bare = '';
  let daemon: CapstanProcess;
  const subject = async () => (await git(bare, 'log', '-1', '--format=%s', 'main')).stdout;

  before(async () => {
    [ns, dropNamespace] = await freshNamespace(kc, 'hook');
    const port = await freePort();
    reg = await startRegistry({ notify: { url: `http://127.0.0.1:${port}/hooks/registry`, token: 'hook-s3cret' } });
    await pushImage(reg, 'team/api', '1.0.0', { created: new Date('2026-11-01T00:00:00Z') });
    server = await startGitServer();
    const url = await server.createRepo('hook');
    bare = join(server.root, 'repos/hook.git');
    const work = await server.clone(url, 'work');
    writeFileSync(join(work, 'api.yaml'), `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  annotations: {fluxcd.io/automated: "true", fluxcd.io/tag.api: "semver:^1"}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - {name: api, image: ${reg.host}/team/api:1.0.0}
`);
    await git(work, 'add', '-A');
    await git(work, 'commit', '-m', 'The api');
    await git(work, 'push', 'origin', 'HEAD:main');
    daemon = await startCapstan({ role: 'daemon', namespace: ns, queue: uniqueName('unused'), port, args: [
      '--git-url', url, '--git-branch', 'main', '--k8s-default-namespace', ns, '--sync-interval', '1h', '--git-poll-interval', '1h',
      '--git-timeout', '10s', '--automation-interval', '1h', '--registry-insecure-host', reg.host,
    ], env: { CAPSTAN_WEBHOOK_SECRET: 'hook-s3cret' } });
    await eventually('the first automation cycle', async () => ((await daemon.metric('capstan_image_automation_cycles_total', { result: 'ok' })) >= 1 || undefined), 30_000);
  });
  after(async () => {
    await daemon?.stop();
    await server?.close().catch(() => undefined);
    await reg?.stop();
    await dropNamespace();
  });

  it('pushes the new tag to Git seconds after the registry has it', async () => {
    assert.equal(await subject(), 'The api');
    await pushImage(reg, 'team/api', '1.1.0', { created: new Date('2026-11-02T00:00:00Z') });
    await eventually('the commit for 1.1.0', async () => ((await subject()) === `Auto-release ${reg.host}/team/api:1.1.0` || undefined), 30_000);
  });

  it('refuses a notification without the token', async () => {
    const res = await fetch(`${daemon.url}/hooks/registry`, { method: 'POST', body: JSON.stringify({ events: [] }) });
    assert.equal(res.status, 401);
  });
});
