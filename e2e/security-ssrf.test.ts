import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { ANONYMOUS_SSH } from '../src/git/run-git.ts';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { type ChartRepo, startChartRepo } from './support/chart-repo.ts';
import { freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { applyCrd } from './support/crd.ts';
import { copyInto, git, type GitServer, startGitServer } from './support/git-server.ts';
import { HELLO_CHART } from './support/helm.ts';
import { helmReleases } from './support/helm-releases.ts';
import { type SshServer, startSshServer } from './support/ssh-server.ts';

// Issue 9, finding 5 (SSRF). Capstan runs here as it does by default: without --allow-private-networks, so every
// server below (all on 127.0.0.1) stands for an internal service a HelmRelease author must not reach.
const listen = async <T extends Server | ReturnType<typeof createTcpServer>>(server: T): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
};

// A Git repository holding the hello chart under charts/hello, and its file:// URL. With `dependencyRepository`,
// also charts/withdeps: hello with a dependency from that repository.
async function chartRepository(server: GitServer, dependencyRepository?: string): Promise<{ fileUrl: string }> {
  const gitUrl = await server.createRepo('charts');
  const work = await server.clone(gitUrl, 'work');
  copyInto(HELLO_CHART, join(work, 'charts', 'hello'));
  if (dependencyRepository) {
    copyInto(HELLO_CHART, join(work, 'charts', 'withdeps'));
    const chartYaml = join(work, 'charts', 'withdeps', 'Chart.yaml');
    writeFileSync(chartYaml, `${readFileSync(chartYaml, 'utf8').trimEnd()}\ndependencies:\n  - name: common\n    version: 1.0.0\n    repository: ${dependencyRepository}\n`);
  }
  writeFileSync(join(work, 'README.md'), 'charts\n');
  await git(work, 'add', '-A');
  await git(work, 'commit', '-m', 'The hello chart');
  await git(work, 'push', 'origin', 'HEAD:main');
  return { fileUrl: `file://${join(server.root, 'repos', 'charts.git')}` };
}

describe('a HelmRelease cannot make Capstan fetch from loopback, link-local or private addresses', () => {
  const kc = kubeConfig();
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let capstan: CapstanProcess;
  let gitServer: GitServer;
  let repo: ChartRepo;
  let fileUrl = '';
  const hits: string[] = [];
  const internal = createHttpServer((req, res) => {
    hits.push(req.url ?? '');
    res.end('stolen: true\n');
  });
  let internalUrl = '';
  let hrs: ReturnType<typeof helmReleases>;
  const stalledOn = async (name: string, field: string, why: RegExp): Promise<string> => {
    const hr = await hrs.waitFor(name, 'Stalled', 'True');
    const message = hr.status?.conditions?.find((c) => c.type === 'Stalled')?.message ?? '';
    assert.ok(message.startsWith(`${field}: `), `${name}: ${message}`);
    assert.match(message, why, name);
    return message;
  };

  before(async () => {
    await applyCrd(kc);
    [ns, dropNamespace] = await freshNamespace(kc, 'ssrf');
    hrs = helmReleases(kc, ns);
    internalUrl = `http://127.0.0.1:${await listen(internal)}`;
    gitServer = await startGitServer();
    ({ fileUrl } = await chartRepository(gitServer, `${internalUrl}/charts`));
    repo = await startChartRepo();
    await repo.publish('0.1.0');
    // file:// charts allowed, so that a chart resolves without any network and the values fetch is what is tested
    capstan = await startCapstan({ role: 'run', namespace: ns, queue: uniqueName('ssrf'), allowPrivateNetworks: false, args: ['--allow-file-urls'] });
  });
  after(async () => {
    await capstan?.stop();
    await repo?.close();
    await gitServer?.close();
    internal.close();
    await dropNamespace();
  });

  it('stalls a valuesFrom.externalSourceRef to a loopback server naming the field, and the server gets no request', async () => {
    await hrs.create('values-internal', {
      chart: { git: fileUrl, ref: 'main', path: 'charts/hello' }, releaseName: 'values-internal',
      valuesFrom: [{ configMapKeyRef: { name: 'absent', optional: true } }, { externalSourceRef: { url: `${internalUrl}/latest/meta-data/` } }],
    });
    const message = await stalledOn('values-internal', 'spec.valuesFrom[1].externalSourceRef.url',
      /refused: 127\.0\.0\.1 is loopback \(127\.0\.0\.0\/8\); Capstan fetches only public addresses unless started with --allow-private-networks$/);
    assert.ok(message.includes(`${internalUrl}/latest/meta-data/`), message);
    assert.deepEqual(hits, [], 'the internal server was asked');
  });

  it('stalls a chart repository on loopback naming spec.chart.repository, and the repository gets no request', async () => {
    await hrs.create('repo-internal', { chart: { repository: repo.url, name: 'hello', version: '0.1.0' }, releaseName: 'repo-internal' });
    await stalledOn('repo-internal', 'spec.chart.repository', /refused: 127\.0\.0\.1 is loopback .*--allow-private-networks$/);
    await hrs.create('oci-internal', { chart: { repository: `oci://${new URL(internalUrl).host}/charts`, name: 'hello', version: '0.1.0' }, releaseName: 'oci-internal' });
    await stalledOn('oci-internal', 'spec.chart.repository', /refused: 127\.0\.0\.1 is loopback .*--allow-private-networks$/);
    assert.deepEqual(repo.requests, [], 'the chart repository was asked');
    assert.deepEqual(hits, [], 'the OCI registry was asked');
  });

  it('stalls a Git chart whose dependency repository is on loopback naming spec.chart.path, before helm asks it', async () => {
    await hrs.create('deps-internal', { chart: { git: fileUrl, ref: 'main', path: 'charts/withdeps' }, releaseName: 'deps-internal' });
    await stalledOn('deps-internal', 'spec.chart.path',
      /dependency "common" of charts\/withdeps\/Chart\.yaml \(repository http:\/\/127\.0\.0\.1:\d+\): refused: 127\.0\.0\.1 is loopback/);
    assert.deepEqual(hits, [], 'helm asked the internal server for an index');
  });

  it('stalls a Git chart on a loopback host naming spec.chart.git, before git dials it', async () => {
    const connections: string[] = [];
    const dialled = createTcpServer((socket) => { connections.push('git'); socket.destroy(); });
    const port = await listen(dialled);
    try {
      await hrs.create('git-internal', { chart: { git: `git://127.0.0.1:${port}/charts.git`, ref: 'main', path: 'charts/hello' }, releaseName: 'git-internal' });
      await stalledOn('git-internal', 'spec.chart.git', /refused: 127\.0\.0\.1 is loopback .*--allow-private-networks$/);
      await hrs.create('ssh-internal', { chart: { git: `git@127.0.0.1:charts.git`, ref: 'main', path: 'charts/hello' }, releaseName: 'ssh-internal' });
      await stalledOn('ssh-internal', 'spec.chart.git', /refused: 127\.0\.0\.1 is loopback/);
      assert.deepEqual(connections, []);
    } finally {
      dialled.close();
    }
  });
});

describe('a file:// Git chart needs --allow-file-urls', () => {
  const kc = kubeConfig();
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let capstan: CapstanProcess;
  let gitServer: GitServer;

  before(async () => {
    await applyCrd(kc);
    [ns, dropNamespace] = await freshNamespace(kc, 'fileurl');
    gitServer = await startGitServer();
    capstan = await startCapstan({ role: 'run', namespace: ns, queue: uniqueName('fileurl'), allowPrivateNetworks: false });
  });
  after(async () => {
    await capstan?.stop();
    await gitServer?.close();
    await dropNamespace();
  });

  it("stalls naming spec.chart.git and the flag, and reads nothing from the worker's disk", async () => {
    const { fileUrl } = await chartRepository(gitServer);
    const hrs = helmReleases(kc, ns);
    await hrs.create('from-disk', { chart: { git: fileUrl, ref: 'main', path: 'charts/hello' }, releaseName: 'from-disk' });
    const hr = await hrs.waitFor('from-disk', 'Stalled', 'True');
    const message = hr.status?.conditions?.find((c) => c.type === 'Stalled')?.message ?? '';
    assert.match(message, /^spec\.chart\.git: refused: file:\/\/.*charts\.git is a file:\/\/ URL, which reads the worker's own disk; .*--allow-file-urls$/);
    assert.notEqual(hr.status?.conditions?.find((c) => c.type === 'ChartFetched')?.status, 'True');
  });
});

describe('ssh for a chart URL offers none of the worker keys (ANONYMOUS_SSH)', () => {
  let sshd: SshServer;
  let agent = '';
  let agentPid = '';
  before(async () => {
    sshd = await startSshServer();
    const started = await execa('ssh-agent', ['-s', '-a', join(sshd.keyFile, '..', 'agent.sock')]);
    agent = /SSH_AUTH_SOCK=([^;]+);/.exec(started.stdout)?.[1] ?? '';
    agentPid = /SSH_AGENT_PID=(\d+);/.exec(started.stdout)?.[1] ?? '';
    await execa('ssh-add', [sshd.keyFile], { env: { SSH_AUTH_SOCK: agent } });
  });
  after(async () => {
    if (agentPid) process.kill(Number(agentPid));
    await sshd?.close();
  });
  // The server is trusted (its host key given), so only the keys offered decide.
  const ssh = (command: string) => execa('sh', ['-c', `${command} -o UserKnownHostsFile=${sshd.knownHostsFile} -p ${sshd.port} 127.0.0.1 true`],
    { env: { SSH_AUTH_SOCK: agent }, reject: false, timeout: 20_000 });

  it("refuses to authenticate with a key from the worker's agent that the server would accept", async () => {
    const plain = await ssh('ssh -F /dev/null -o BatchMode=yes');
    assert.equal(plain.exitCode, 0, `plain ssh logs in with the agent's key: ${plain.stderr}`);
    const anonymous = await ssh(ANONYMOUS_SSH);
    assert.equal(anonymous.exitCode, 255);
    assert.match(anonymous.stderr, /Permission denied \(publickey\)/);
  });
});
