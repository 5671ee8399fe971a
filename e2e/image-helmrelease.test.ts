import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { eventually, kubeConfig, uniqueName } from './support/cluster.ts';
import { git, type GitServer, startGitServer } from './support/git-server.ts';
import { pushImage, type Registry, startRegistry } from './support/registry.ts';
import { helmHistory } from './support/helm-releases.ts';
import { type ReleaseEnv, startReleaseEnv } from './support/release-env.ts';

// `capstan run`: the daemon syncs a HelmRelease from Git and bumps its `image.tag` value when the registry gets a
// new tag; the operator then upgrades the release with the real helm.
describe('image automation of a HelmRelease\'s values', () => {
  const kc = kubeConfig();
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  let env: ReleaseEnv | undefined;
  let server: GitServer;
  let reg: Registry;
  let work = '';
  let bare = '';
  let text = '';
  const running = async () => (await apps.readNamespacedDeployment({ name: 'web-hello', namespace: env?.ns ?? '' })).spec?.template.spec?.containers[0]?.image;

  before(async () => {
    reg = await startRegistry();
    await pushImage(reg, 'team/web', '1.0.0', { created: new Date('2026-11-01T00:00:00Z') });
    server = await startGitServer();
    const url = await server.createRepo('releases');
    bare = join(server.root, 'repos/releases.git');
    work = await server.clone(url, 'work');
    writeFileSync(join(work, 'README.md'), 'releases\n');
    await git(work, 'add', '-A');
    await git(work, 'commit', '-m', 'Start');
    await git(work, 'push', 'origin', 'HEAD:main');
    env = await startReleaseEnv({ prefix: 'hrimg', queue: uniqueName('hrimg'), args: [
      '--git-url', url, '--git-branch', 'main', '--git-poll-interval', '1s', '--sync-interval', '1h', '--git-timeout', '10s',
      '--automation-interval', '1s', '--registry-insecure-host', reg.host,
    ] });
    const chart = env.chart();
    text = `apiVersion: helm.fluxcd.io/v1
kind: HelmRelease
metadata:
  name: web
  namespace: ${env.ns}
  annotations:
    fluxcd.io/automated: "true"
    fluxcd.io/tag.chart-image: semver:~1.0
spec:
  releaseName: web
  chart:
    repository: ${chart.repository}
    name: ${chart.name}
    version: ${chart.version}
  values:
    # the image the chart deploys
    image:
      repository: ${reg.host}/team/web
      tag: "1.0.0"
`;
    writeFileSync(join(work, 'web.yaml'), text);
    await git(work, 'add', '-A');
    await git(work, 'commit', '-m', 'The web release');
    await git(work, 'push', 'origin', 'HEAD:main');
  });
  after(async () => {
    await env?.stop();
    await server?.close().catch(() => undefined);
    await reg?.stop();
  });

  it('bumps image.tag in Git, and the operator upgrades the release to it', async () => {
    await env?.hrs.waitFor('web', 'Released', 'True');
    assert.equal(await running(), `${reg.host}/team/web:1.0.0`);
    await pushImage(reg, 'team/web', '1.0.3', { created: new Date('2026-11-02T00:00:00Z') });
    await pushImage(reg, 'team/web', '1.1.0', { created: new Date('2026-11-03T00:00:00Z') }); // outside ~1.0
    await eventually('the automation commit', async () => {
      const subject = (await git(bare, 'log', '-1', '--format=%s', 'main')).stdout;
      return subject === `Auto-release ${reg.host}/team/web:1.0.3` || undefined;
    }, 60_000);
    assert.equal((await git(bare, 'show', 'main:web.yaml')).stdout, text.replace('tag: "1.0.0"', 'tag: "1.0.3"').trimEnd());
    await eventually('the release upgraded to 1.0.3', async () => ((await running()) === `${reg.host}/team/web:1.0.3` || undefined), 90_000);
    assert.ok(env);
    const hr = await env.hrs.waitFor('web', 'Released', 'True');
    assert.equal((hr.spec.values as { image: { tag: string } }).image.tag, '1.0.3');
    const history = await helmHistory(kc, env.ns, 'web');
    assert.deepEqual(history.map((r) => r.status).slice(0, 2), ['deployed', 'superseded'], 'an upgrade, not a reinstall');
  });
});
