import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { execa } from 'execa';
import { locateHelm } from '../src/helm/binary.ts';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { type ChartRepo, startChartRepo } from './support/chart-repo.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { commandLineLog, watchCommandLines } from './support/command-lines.ts';
import { applyCrd } from './support/crd.ts';
import { startGitHttp } from './support/git-http.ts';
import { copyInto, git, type GitServer, startGitServer } from './support/git-server.ts';
import { HELLO_CHART } from './support/helm.ts';
import { helmReleases } from './support/helm-releases.ts';
import { clusterSurfaces, httpSurfaces, redisSurfaces, type Surface } from './support/leak-surfaces.ts';
import { withRedis } from './support/redis-dump.ts';
import { leakMarkers, leakRepos } from './support/leak-fixture.ts';
import { findLeaks, newMarker } from './support/markers.ts';
import { pushImage, type Registry, startRegistry } from './support/registry.ts';
import { type SshServer, startSshServer } from './support/ssh-server.ts';

// Unique markers in every credential and value Capstan handles — a Git deploy key, an HTTPS Git token, a chart's
// Git token, a registry password, a chart repository password, values from a Secret and a ConfigMap, plain values,
// and the API, dashboard and webhook tokens — while one `capstan run --log-level debug` syncs two repositories
// (SSH and HTTPS), pushes an image update and installs two releases, and fails with a wrong Git token, a wrong
// repository password and a Secret value the API server refuses. Afterwards no marker, nor its base64, shows in
// any log line, Event, HelmRelease status, Lease, Capstan-made ConfigMap, Redis key or value, HTTP answer, Git
// commit or tag message Capstan wrote, or command line of any process of the machine.
describe('no secret leaks: markers in every credential and value, through every flow', () => {
  const kc = kubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const m = leakMarkers();
  // seeded by the test itself into the places it scans, to show that each scan finds what is there
  const canary = newMarker('canary');
  const surfaces: Surface[] = [];
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let dir = '';
  let server: GitServer;
  let ssh: SshServer;
  let reg: Registry;
  let charts: ChartRepo;
  const closers: Array<() => unknown> = [];
  let capstan: CapstanProcess | undefined;
  const queue = uniqueName('leaks');
  let commandLines: string[] = [];
  let childCommands: string[] = [];
  const leaks = (prefix: string) => surfaces.filter((s) => s.where.startsWith(prefix)).flatMap((s) => findLeaks(s.where, s.text, m.all()));

  before(async () => {
    await applyCrd(kc);
    [ns, dropNamespace] = await freshNamespace(kc, 'leaks');
    dir = mkdtempSync(join(tmpdir(), 'capstan-leaks-'));
    ssh = await startSshServer();
    m.addDeployKey(readFileSync(ssh.keyFile, 'utf8'));
    server = await startGitServer();
    const repos = join(server.root, 'repos');
    const sourceHttp = await startGitHttp(repos, { user: m.gitToken.user ?? '', password: m.gitToken.value });
    const chartHttp = await startGitHttp(repos, { user: m.chartGitToken.user ?? '', password: m.chartGitToken.value });
    closers.push(() => sourceHttp.server.close(), () => chartHttp.server.close());
    reg = await startRegistry({ auth: { username: m.registryPassword.user ?? '', password: m.registryPassword.value } });
    for (const tag of ['1.0.0', '1.1.0']) await pushImage(reg, 'team/app', tag);
    charts = await startChartRepo({ auth: { username: m.chartRepoPassword.user ?? '', password: m.chartRepoPassword.value } });
    await charts.publish('0.1.0');
    const fixture = leakRepos({ ns, m, registryHost: reg.host, chartRepo: charts.url, chartGit: `${chartHttp.url}/charts.git` });
    for (const [name, files] of Object.entries(fixture.repos)) {
      const work = await server.clone(await server.createRepo(name), `work-${name}`);
      for (const [file, text] of Object.entries(files)) {
        mkdirSync(dirname(join(work, file)), { recursive: true });
        writeFileSync(join(work, file), text);
      }
      if (name === 'charts') copyInto(HELLO_CHART, join(work, 'charts', 'hello'));
      await git(work, 'add', '-A');
      await git(work, 'commit', '-m', `${name}: first`);
      await git(work, 'push', 'origin', 'HEAD:main');
    }
    for (const body of fixture.secrets) await core.createNamespacedSecret({ namespace: ns, body });
    await core.createNamespacedConfigMap({ namespace: ns, body: fixture.valuesConfigMap });
    const file = (name: string, text: string) => { writeFileSync(join(dir, name), `${text}\n`, { mode: 0o600 }); return join(dir, name); };
    writeFileSync(join(dir, 'sources.yaml'), `sources:
- {name: overssh, gitUrl: "ssh://root@127.0.0.1:${ssh.port}${join(repos, 'ssh-src.git')}", gitBranch: main, defaultNamespace: ${ns}, sshKeyFile: ${ssh.keyFile}, knownHostsFile: ${ssh.knownHostsFile}}
- {name: overhttps, gitUrl: "${sourceHttp.url}/https-src.git", gitBranch: main, defaultNamespace: ${ns}, usernameFile: ${file('user', m.gitToken.user ?? '')}, passwordFile: ${file('token', m.gitToken.value)}}
- {name: wrongtoken, gitUrl: "${sourceHttp.url}/charts.git", gitBranch: main, defaultNamespace: ${ns}, usernameFile: ${join(dir, 'user')}, passwordFile: ${file('wrong-token', m.wrongGitToken.value)}}
`);
    const helm = locateHelm(process.env.CAPSTAN_HELM_BINARY, process.env);
    assert.ok(helm, 'no helm: run helm-bin/build.sh');
    const shims = commandLineLog(join(dir, 'shims'), { git: '/usr/bin/git', ssh: '/usr/bin/ssh', helm });
    const watcher = watchCommandLines();
    const shortLived = execa('sh', ['-c', 'sleep 1.5', canary.value], { reject: false }); // a short-lived command line (long enough for a loaded machine's sampling)
    try {
      capstan = await startCapstan({ role: 'run', namespace: ns, queue, keepOutput: Number.POSITIVE_INFINITY,
        env: { PATH: `${shims.bin}:${process.env.PATH ?? ''}` }, args: [
          '--config', join(dir, 'sources.yaml'), '--leader-election-namespace', ns, '--sync-interval', '5s', '--git-poll-interval', '1s',
          '--automation-interval', '2s', '--registry-insecure-host', reg.host, '--git-timeout', '20s', '--helm-binary', shims.helm,
          '--chart-cache-dir', join(dir, 'cache'), '--allow-private-networks', '--allow-insecure-credentials',
          '--api-token-file', file('api-token', m.apiToken.value), '--dashboard-token-file', file('dashboard-token', m.dashboardToken.value),
          '--webhook-secret-file', file('webhook-secret', m.webhookSecret.value),
        ] });
      const hrs = helmReleases(kc, ns);
      const cm = (name: string) => core.readNamespacedConfigMap({ name, namespace: ns }).then(() => true, () => undefined);
      await eventually('the ConfigMap synced over SSH', () => cm('via-ssh'), 60_000);
      await eventually('the ConfigMap synced over HTTPS', () => cm('via-https'), 60_000);
      await hrs.waitFor('web', 'Ready', 'True', 120_000);
      await hrs.waitFor('gitchart', 'Ready', 'True', 120_000);
      await hrs.waitFor('failing', 'Released', 'False', 120_000);
      await hrs.waitFor('wrongpass', 'ChartFetched', 'False', 120_000);
      await eventually('the sync with a wrong token to fail', async () => ((await capstan?.metric('capstan_sync_cycle_failures_total')) ?? 0) >= 1 || undefined, 60_000);
      const httpsBare = join(repos, 'https-src.git');
      await eventually('the image update pushed over HTTPS', async () =>
        (await git(httpsBare, 'log', '-1', '--format=%s', 'main')).stdout === `Auto-release ${reg.host}/team/app:1.1.0` || undefined, 90_000);
      await eventually('the image update synced', async () =>
        (await apps.readNamespacedDeployment({ name: 'auto', namespace: ns })).spec?.template.spec?.containers[0]?.image === `${reg.host}/team/app:1.1.0` || undefined, 60_000);
      surfaces.push(...await httpSurfaces(capstan.url, {
        queue, api: { authorization: `Bearer ${m.apiToken.value}` }, dashboard: { authorization: `Bearer ${m.dashboardToken.value}` },
      }));
    } catch (err) {
      const warnings = (capstan?.output() ?? '').split('\n').filter((l) => /"level":[456]0/.test(l)).slice(-15);
      throw new Error(`${(err as Error).message}\nCapstan's last warnings:\n${warnings.join('\n')}`);
    } finally {
      await capstan?.stop();
      commandLines = watcher.stop();
      childCommands = shims.lines();
    }
    surfaces.push({ where: 'the log', text: capstan?.output() ?? '' });
    surfaces.push(...await clusterSurfaces(kc, ns, fixture.userConfigMaps));
    const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    await withRedis(redisUrl, (r) => r.hset(`capstan-e2e-canary:${ns}`, 'field', Buffer.from(canary.value).toString('base64')));
    try {
      surfaces.push(...await redisSurfaces(redisUrl));
    } finally {
      await withRedis(redisUrl, (r) => r.del(`capstan-e2e-canary:${ns}`));
    }
    await shortLived;
    for (const name of Object.keys(fixture.repos)) {
      const bare = join(repos, `${name}.git`);
      surfaces.push({ where: `Git ${name} messages`, text: (await git(bare, 'log', '--all', '--format=%an %ae%n%B')).stdout });
      surfaces.push({ where: `Git ${name} tags`, text: (await git(bare, 'for-each-ref', '--format=%(refname) %(contents)', 'refs/tags')).stdout });
    }
    surfaces.push(...commandLines.map((text) => ({ where: 'command line', text })), ...childCommands.map((text) => ({ where: 'command line (wrapper)', text })));
  });
  after(async () => {
    await capstan?.stop();
    for (const close of closers) close();
    await charts?.close();
    await reg?.stop();
    await server?.close().catch(() => undefined);
    await ssh?.close();
    await dropNamespace();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the flows really carried the markers, and each scan finds what is there', async (t) => {
    const kinds = new Map<string, number>();
    for (const s of surfaces) kinds.set(s.where.split(' ')[0] ?? '', (kinds.get(s.where.split(' ')[0] ?? '') ?? 0) + 1);
    t.diagnostic(`scanned: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}; log ${surfaces.find((s) => s.where === 'the log')?.text.length} characters`);
    assert.deepEqual(surfaces.flatMap((s) => findLeaks(s.where, s.text, [canary])).map((l) => l.split(':')[0]).sort(),
      ['Redis hash capstan-e2e-canary', 'command line'], 'the canaries were found');
    const web = await apps.readNamespacedDeployment({ name: 'web-hello', namespace: ns });
    assert.equal(web.spec?.template.metadata?.annotations?.['hello/message'], m.valuesSecret.value, 'the values Secret reached the release');
    const failing = surfaces.find((s) => s.where === 'HelmRelease failing status')?.text ?? '';
    assert.match(failing, /labels: Invalid value/, 'the API server\'s refusal of the failing value reached the status');
    const conditions = (JSON.parse(failing) as { status: { conditions: Array<{ message?: string }> } }).status.conditions;
    t.diagnostic(`failing: ${conditions.find((c) => c.message?.includes('Invalid value'))?.message}`);
    const secret = await core.readNamespacedSecret({ name: 'chart-repo-auth', namespace: ns });
    assert.equal(findLeaks('Secret', JSON.stringify(secret.data), [m.chartRepoPassword]).length, 1, 'the base64 form is recognised');
    assert.match(childCommands.join('\n'), / (install|upgrade) /, 'helm ran through the wrapper');
    assert.match(childCommands.join('\n'), /\/ssh /, 'git reached the sshd through ssh');
    assert.ok(commandLines.some((l) => l.includes('helm') && / (install|upgrade) /.test(l)), 'the /proc sampling saw helm at work');
    assert.ok(surfaces.some((s) => s.where.startsWith(`Redis hash bull:${queue}:`)), 'the Redis scan read the queue\'s jobs');
    assert.ok(surfaces.some((s) => s.where.startsWith('Event HelmRelease/web')), 'Capstan\'s Events were read');
    assert.match(surfaces.find((s) => s.where === 'the log')?.text ?? '', /"level":20/, 'the log has debug lines');
  });
  it('no marker in any log line', () => assert.deepEqual(leaks('the log'), []));
  it('no marker in Events, HelmRelease status, Leases or Capstan\'s ConfigMaps', () =>
    assert.deepEqual(['Event', 'HelmRelease', 'Lease', 'ConfigMap'].flatMap(leaks), []));
  it('no marker in any Redis key or value', () => assert.deepEqual(leaks('Redis'), []));
  it('no marker in /metrics, the /api answers or the dashboard\'s JSON', () => assert.deepEqual(['GET', 'POST'].flatMap(leaks), []));
  it('no marker in what Capstan wrote to Git', () => assert.deepEqual(leaks('Git'), []));
  it('no marker on the command line of any process, helm, git and ssh included', () => assert.deepEqual(leaks('command line'), []));
});
