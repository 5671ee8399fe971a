import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { fluxctl, type FluxctlResult } from './support/fluxctl.ts';
import { git, type GitServer, startGitServer } from './support/git-server.ts';
import { pushImage, type Registry, startRegistry } from './support/registry.ts';

// The real fluxctl 1.25.4 drives Capstan's write verbs against a running `capstan run` syncing a loopback Git
// server, with images in a loopback registry: each verb that changes something is exactly one commit with
// fluxd's message, and the cluster converges to it.
const deployment = (name: string, image: string, annotations: Record<string, string> = {}) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
${Object.keys(annotations).length ? `  annotations:\n${Object.entries(annotations).map(([k, v]) => `    ${k}: "${v}"`).join('\n')}\n` : ''}spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
        - name: app
          image: ${image}
`;

describe('fluxctl 1.25.4 write verbs: one commit each with fluxd\'s message, and the cluster converges', () => {
  const kc = kubeConfig();
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let server: GitServer;
  let reg: Registry;
  let bare = '';
  let capstan: CapstanProcess;
  const id = (name: string) => `${ns}:deployment/${name}`;
  const image = (repo: string, tag: string) => `${reg.host}/${repo}:${tag}`;
  const commits = async () => Number((await git(bare, 'rev-list', '--count', 'main')).stdout);
  const message = async () => (await git(bare, 'log', '-1', '--format=%B', 'main')).stdout.trimEnd();
  const inGit = async (name: string) => (await git(bare, 'show', `main:${name}.yaml`)).stdout;
  const liveImage = async (name: string) => (await apps.readNamespacedDeployment({ namespace: ns, name })).spec?.template.spec?.containers[0]?.image;
  const ctl = (...args: string[]) => fluxctl(capstan.url, args, { timeoutMs: 150_000 });
  const ok = (r: FluxctlResult) => assert.equal(r.exitCode, 0, `fluxctl failed:\n${r.stdout}\n${r.stderr}`);
  // runs a verb and checks it made exactly one commit with `expected` as its message
  const oneCommit = async (expected: string, ...args: string[]): Promise<FluxctlResult> => {
    const before = await commits();
    const r = await ctl(...args);
    ok(r);
    assert.equal(await commits(), before + 1, `one commit for fluxctl ${args.join(' ')}`);
    assert.equal(await message(), expected);
    return r;
  };
  const converges = (name: string, want: string) => eventually(`${name} to run ${want}`, async () => ((await liveImage(name)) === want || undefined), 60_000);

  before(async () => {
    [ns, dropNamespace] = await freshNamespace(kc, 'fluxctl-write');
    reg = await startRegistry();
    for (const tag of ['1.0.0', '1.1.0', '1.2.0', '2.0.0']) await pushImage(reg, 'web', tag);
    for (const tag of ['1.0.0', '1.3.0', '2.0.0']) await pushImage(reg, 'api', tag);
    server = await startGitServer();
    const url = await server.createRepo('apps');
    bare = join(server.root, 'repos/apps.git');
    const work = await server.clone(url, 'work');
    writeFileSync(join(work, 'web.yaml'), deployment('web', image('web', '1.0.0')));
    writeFileSync(join(work, 'db.yaml'), deployment('db', image('web', '1.0.0')));
    writeFileSync(join(work, 'api.yaml'), deployment('api', image('api', '1.0.0'), { 'fluxcd.io/tag.app': 'semver:~1' }));
    await git(work, 'add', '-A');
    await git(work, 'commit', '-m', 'Workloads');
    await git(work, 'push', 'origin', 'HEAD:main');
    capstan = await startCapstan({ role: 'run', namespace: ns, queue: uniqueName('fluxctl-write'), args: [
      '--git-url', url, '--git-branch', 'main', '--k8s-default-namespace', ns, '--sync-interval', '1h', '--git-poll-interval', '1h',
      '--git-timeout', '20s', '--automation-interval', '2s', '--registry-insecure-host', reg.host,
      '--git-user', 'Capstan Bot', '--git-email', 'bot@capstan.invalid',
    ] });
    await converges('web', image('web', '1.0.0'));
    // fluxctl sync refuses a repository fluxd does not call ready; Capstan calls it ready once its first sync is
    // recorded, which comes after the objects are applied
    await eventually('the repository to be ready', async () => {
      const r = await fetch(`${capstan.url}/api/flux/v9/git-repo-config`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: 'false' });
      return ((await r.json()) as { status?: string }).status === 'ready' || undefined;
    }, 60_000);
  });
  after(async () => {
    await capstan?.stop();
    await server?.close().catch(() => undefined);
    await reg?.stop();
    await dropNamespace();
  });

  it('sync: applies the branch head and waits for it, committing nothing', async () => {
    const before = await commits();
    const r = await ctl('sync');
    ok(r);
    assert.match(r.stderr, /Revision of main to apply is [0-9a-f]{7,}/);
    assert.match(r.stderr, /Done\./);
    assert.equal(await commits(), before);
  });

  it('release --workload --update-image, then --dry-run (no commit)', async () => {
    const r = await oneCommit(`Release ${image('web', '1.1.0')} to ${id('web')}`, 'release', '-n', ns, '--workload', 'deployment/web', '--update-image', image('web', '1.1.0'));
    assert.match(r.stderr, /Commit pushed:\s+[0-9a-f]{7}/);
    assert.match(r.stderr, /Commit applied:\s+[0-9a-f]{7}/);
    assert.equal(await liveImage('web'), image('web', '1.1.0'));
    const before = await commits();
    const plan = await ctl('release', '--workload', id('web'), '--update-image', image('web', '1.2.0'), '--dry-run');
    ok(plan);
    assert.match(plan.stdout, new RegExp(`${id('web')}\\s+success`));
    assert.match(plan.stdout, /1\.1\.0 -> .*1\.2\.0/);
    assert.equal(await commits(), before);
    assert.match(await inGit('web'), /web:1\.1\.0/);
  });

  it('lock -m, a release to all that skips the locked and the excluded, --force on the locked one, unlock', async () => {
    await oneCommit(`incident 7\n\n- Locked: ${id('db')}\n- Updated policies: ${id('db')}`, 'lock', '-w', id('db'), '-m', 'incident 7', '--user', 'ann');
    for (const line of ['fluxcd.io/locked: "true"', 'fluxcd.io/locked_user: "ann"', 'fluxcd.io/locked_msg: "incident 7"']) assert.ok((await inGit('db')).includes(`    ${line}\n`), line);
    const all = await oneCommit(`Release ${image('web', '2.0.0')} to all`, 'release', '--all', '--update-image', image('web', '2.0.0'), '--exclude', id('api'), '-v');
    assert.match(all.stdout, new RegExp(`${id('db')}\\s+skipped\\s+locked`));
    await converges('web', image('web', '2.0.0'));
    assert.equal(await liveImage('db'), image('web', '1.0.0'));
    await oneCommit(`Release ${image('web', '2.0.0')} to ${id('db')}`, 'release', '--workload', id('db'), '--update-image', image('web', '2.0.0'), '--force');
    await converges('db', image('web', '2.0.0'));
    await oneCommit(`Updated workload policies\n\n- Unlocked: ${id('db')}\n- Updated policies: ${id('db')}`, 'unlock', '-w', id('db'), '--user', 'ann');
    assert.doesNotMatch(await inGit('db'), /locked/);
  });

  it('release --update-all-images --watch: the newest tag the filter admits, rolled out', async () => {
    // the automation's scans fill the tag cache the release reads from
    await eventually('the registry scanned', async () => {
      const plan = await ctl('release', '--workload', id('api'), '--update-all-images', '--dry-run');
      return plan.stdout.includes('1.3.0') || undefined;
    }, 60_000);
    const r = await oneCommit(`Release all latest to ${id('api')}`, 'release', '--workload', id('api'), '--update-all-images', '--watch');
    assert.match(r.stderr, /All workloads ready\./);
    assert.equal(await liveImage('api'), image('api', '1.3.0'));
  });

  it('automate, deautomate, policy --tag and --tag-all', async () => {
    // api already runs the newest tag its filter admits: automating it makes no release of its own
    await oneCommit(`Automated: ${id('api')}`, 'automate', '-w', id('api'));
    assert.match(await inGit('api'), /fluxcd\.io\/automated: "true"/);
    await oneCommit(`Deautomated: ${id('api')}`, 'deautomate', '-w', id('api'));
    assert.doesNotMatch(await inGit('api'), /automated/);
    await oneCommit(`Updated policies: ${id('web')}`, 'policy', '-w', id('web'), '--tag', 'app=2.*');
    assert.match(await inGit('web'), /fluxcd\.io\/tag\.app: "glob:2\.\*"/);
    await oneCommit(`Updated policies: ${id('web')}`, 'policy', '-w', id('web'), '--tag-all', 'semver:~2');
    assert.match(await inGit('web'), /fluxcd\.io\/tag_all: "semver:~2"/);
  });

  it('a bad request is flux\'s user error naming the field; an unknown job is missing', async () => {
    const bad = await fetch(`${capstan.url}/api/flux/v9/update-manifests`, { method: 'POST', body: JSON.stringify({ type: 'image', spec: { ServiceSpecs: ['web'] } }) });
    assert.equal(bad.status, 400);
    const body = await bad.json() as { Type: string; Err: string };
    assert.equal(body.Type, 'user');
    assert.match(body.Err, /^spec\.ServiceSpecs\[0\]: /);
    const missing = await fetch(`${capstan.url}/api/flux/v6/jobs?id=00000000-0000-4000-8000-000000000000`);
    assert.equal(missing.status, 404);
    assert.equal((await missing.json() as { Type: string }).Type, 'missing');
  });
});
