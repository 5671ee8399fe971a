import { SECURE_DEFAULTS } from '../../../src/security-config.ts';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../../e2e/support/net.ts';
import type { ChartSpec, HelmRelease } from '../../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../../src/errors/stalling-error.ts';
import { WaitingError } from '../../../src/errors/waiting-error.ts';
import { type GitChartDeps, gitChartSource } from '../../../src/helm/chart/git-source.ts';
import type { HelmRunner } from '../../../src/helm/runner.ts';
import type { KubeClient } from '../../../src/kube/client.ts';
import { startRepoServer } from './repo-server.ts';
import { commit, git, HELLO_CHART_DIR } from '../../git/git-fixtures.ts';

const HELLO = HELLO_CHART_DIR;
const PASSWORD = 'hunter2-s3cret';
const SECRETS: Record<string, Record<string, string>> = {
  'apps/git-auth': { username: 'reader', password: PASSWORD },
  'shared/git-auth': { username: 'reader', password: PASSWORD },
  'apps/no-password': { username: 'reader' },
};

// An object that implements only `used`; any other member throws when called, naming itself.
function partial<T extends object>(name: string, used: Partial<T>): T {
  return new Proxy(used, {
    get: (target, key) => Reflect.get(target, key) ?? (() => { throw new Error(`fake ${name}: ${String(key)} is not faked`); }),
  }) as T;
}

// A KubeClient holding SECRETS, recording each `namespace/name` it was asked for.
function fakeKube(): KubeClient & { asked: Set<string> } {
  const asked = new Set<string>();
  const kube = partial<KubeClient>('KubeClient', {
    secretKey: async (namespace, name, key) => {
      asked.add(`${namespace}/${name}`);
      return SECRETS[`${namespace}/${name}`]?.[key];
    },
  });
  return Object.assign(kube, { asked });
}

// A HelmRunner that records the directories `helm dependency build` was asked to run in.
function fakeHelm(): HelmRunner & { built: string[] } {
  const built: string[] = [];
  const helm = partial<HelmRunner>('HelmRunner', {
    dependencyBuild: async ({ chartDir }) => {
      assert.ok(existsSync(join(chartDir, 'Chart.yaml')), 'runs in a chart directory');
      built.push(chartDir);
    },
  });
  return Object.assign(helm, { built });
}

const release = (chart: ChartSpec): HelmRelease => ({
  apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', metadata: { namespace: 'apps', name: 'hello' }, spec: { chart },
});


const WITH_DEPS = `${readFileSync(join(HELLO, 'Chart.yaml'), 'utf8')}dependencies:
  - name: common
    version: 1.0.0
    repository: https://charts.example.com/common
`;

describe('gitChartSource resolves a chart from a Git repository', () => {
  const root = mkdtempSync(join(tmpdir(), 'capstan-git-source-'));
  const work = join(root, 'work');
  const url = `file://${work}`;
  const commits: Record<string, string> = {};
  const signal = new AbortController().signal;
  const source = (extra: Partial<GitChartDeps> = {}) => {
    const helm = fakeHelm();
    const kube = fakeKube();
    const cacheDir = mkdtempSync(join(root, 'cache-'));
    // file:// repositories and loopback servers: these tests are about Git, not the network policy (git-remote-check.test.ts)
    const security = { ...SECURE_DEFAULTS, allowFileUrls: true, allowPrivateNetworks: true };
    return { helm, kube, cacheDir, resolve: gitChartSource({ kube, helm, cacheDir, minIntervalMs: 0, security, ...extra }) };
  };
  const stalled = (field: string, message: RegExp) => (error: unknown): boolean => {
    assert.ok(error instanceof StallingError, `not a StallingError: ${String(error)}`);
    assert.equal(error.reason, 'ChartFetchFailed');
    assert.equal(error.field, field);
    assert.match(error.message, message);
    return true;
  };

  before(async () => {
    await git(root, 'init', '--quiet', '--initial-branch=master', work);
    cpSync(HELLO, join(work, 'charts/hello'), { recursive: true });
    commits.first = await commit(work, { 'README.md': 'one\n' }, 'Add the hello chart');
    await git(work, 'tag', '--annotate', '--message', 'Release 1', 'v1');
    await git(work, 'branch', 'feature');
    commits.withDeps = await commit(work, { 'charts/deps/Chart.yaml': WITH_DEPS, 'charts/deps/values.yaml': '{}\n' }, 'Add a chart with dependencies');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('keeps the digest for a commit outside the chart path and changes it for one inside', async () => {
    const { resolve, helm } = source();
    const hr = release({ git: url, path: 'charts/hello' });
    const first = await resolve(hr, signal);
    assert.equal(first.revision, commits.withDeps, 'chart.ref defaults to master');
    assert.match(first.digest, /^git:[0-9a-f]{40}$/);
    assert.equal(first.ref, first.archive);
    assert.equal(readFileSync(join(first.ref, 'Chart.yaml'), 'utf8'), readFileSync(join(HELLO, 'Chart.yaml'), 'utf8'));
    assert.ok(first.ref.endsWith(join('git-charts', first.digest.slice(4))));

    const outside = await commit(work, { 'README.md': 'two\n' }, 'Touch the README only');
    const second = await resolve(hr, signal);
    assert.deepEqual(second, { ...first, revision: outside }, 'same digest and directory, new revision');

    const inside = await commit(work, { 'charts/hello/values.yaml': 'replicaCount: 2\n' }, 'Change the chart');
    const third = await resolve(hr, signal);
    assert.equal(third.revision, inside);
    assert.notEqual(third.digest, first.digest);
    assert.equal(readFileSync(join(third.ref, 'values.yaml'), 'utf8'), 'replicaCount: 2\n');
    assert.deepEqual(helm.built, [], 'no dependencies, no helm');
  });

  it('follows a branch, a tag or a commit id in chart.ref, and a default ref from the deps', async () => {
    await commit(work, { 'charts/hello/values.yaml': 'onFeature: true\n' }, 'On master, not on feature');
    const { resolve } = source({ defaultRef: 'feature' });
    const ref = async (r: string | undefined) => (await resolve(release({ git: url, path: 'charts/hello', ...(r ? { ref: r } : {}) }), signal)).revision;
    assert.equal(await ref('feature'), commits.first);
    assert.equal(await ref(undefined), commits.first, 'defaultRef');
    assert.equal(await ref('v1'), commits.first, 'an annotated tag');
    assert.equal(await ref(commits.withDeps), commits.withDeps);
    assert.equal(await ref('master'), await git(work, 'rev-parse', 'master'));
  });

  it('refuses a chart.path that is absolute, climbs with .., or is missing, naming spec.chart.path', async () => {
    const { resolve } = source();
    for (const path of ['/charts/hello', '../charts/hello', 'charts/../../etc', 'charts/hello/..', '']) {
      await assert.rejects(resolve(release({ git: url, path }), signal), stalled('spec.chart.path', /relative path|required/), path);
    }
    await assert.rejects(resolve(release({ git: url }), signal), stalled('spec.chart.path', /required/));
  });

  it('stalls naming spec.chart.path when the path is not a directory in that commit, or holds no Chart.yaml', async () => {
    const { resolve } = source();
    await assert.rejects(resolve(release({ git: url, ref: 'v1', path: 'charts/deps' }), signal),
      stalled('spec.chart.path', new RegExp(`"charts/deps" is not a directory in commit ${commits.first} \\(v1\\)`)));
    await assert.rejects(resolve(release({ git: url, path: 'charts/hello/templates' }), signal),
      stalled('spec.chart.path', /has no Chart\.yaml/));
  });

  it('stalls naming spec.chart.ref for a ref the repository does not have', async () => {
    const { resolve } = source();
    await assert.rejects(resolve(release({ git: url, ref: 'no-such-branch', path: 'charts/hello' }), signal),
      stalled('spec.chart.ref', /"no-such-branch" is not a branch, tag or commit/));
  });

  it('stalls naming spec.chart.git for a URL it does not take or a repository that is not there', async () => {
    const { resolve } = source();
    for (const bad of ['ext::sh -c touch% /tmp/x', 'ftp://example.com/r.git', '/srv/git/r.git', '-u/x', '', undefined]) {
      await assert.rejects(resolve(release({ ...(bad === undefined ? {} : { git: bad }), path: 'charts/hello' }), signal),
        stalled('spec.chart.git', /is not an http/), String(bad));
    }
    await assert.rejects(resolve(release({ git: `file://${root}/missing.git`, path: 'charts/hello' }), signal),
      stalled('spec.chart.git', /does not appear to be a git repository/));
  });

  it('waits and retries in 30 s when the repository cannot be reached', async () => {
    const { resolve } = source();
    const error = await resolve(release({ git: 'git://127.0.0.1:1/x.git', path: 'charts/hello' }), signal).catch((e: unknown) => e);
    assert.ok(error instanceof WaitingError, `not a WaitingError: ${String(error)}`);
    assert.equal(error.reason, 'ChartFetchFailed');
    assert.equal(error.retryAfterMs, 30_000);
    assert.match(error.message, /cannot fetch git:\/\/127\.0\.0\.1:1\/x\.git: .*Connection refused/);
  });

  it('waits and retries when git takes longer than timeoutMs', async () => {
    const server = await startRepoServer(() => {}); // never answers
    try {
      const { resolve } = source({ timeoutMs: 500 });
      const error = await resolve(release({ git: `${server.origin}/slow.git`, path: 'charts/hello' }), signal).catch((e: unknown) => e);
      assert.ok(error instanceof WaitingError, `not a WaitingError: ${String(error)}`);
      assert.match(error.message, /slow\.git: timed out$/);
    } finally {
      await server.close();
    }
  });

  it('runs helm dependency build, once per tree on a copy, only when Chart.yaml lists dependencies', async () => {
    const { resolve, helm } = source();
    const hr = release({ git: url, path: 'charts/deps' });
    const built = await resolve(hr, signal);
    assert.equal(helm.built.length, 1);
    assert.ok(built.ref.endsWith(`${built.digest.slice(4)}+deps`));
    assert.ok(!existsSync(`${built.ref}.tmp`) && existsSync(join(built.ref, 'Chart.yaml')));
    assert.deepEqual(await resolve(hr, signal), built, 'the built copy is reused');
    assert.equal(helm.built.length, 1);

    const skipped = await resolve(release({ git: url, path: 'charts/deps', skipDepUpdate: true }), signal);
    assert.equal(skipped.ref, built.ref.replace(/\+deps$/, ''), 'skipDepUpdate uses the tree as Git has it');
    assert.equal(skipped.digest, built.digest);
    await resolve(release({ git: url, path: 'charts/hello' }), signal);
    assert.equal(helm.built.length, 1, 'a chart without dependencies');

    const off = source({ updateDeps: false });
    await off.resolve(hr, signal);
    assert.deepEqual(off.helm.built, [], 'updateDeps: false');
  });

  it('reads credentials from secretRef, in the HelmRelease namespace by default, and never shows them', async () => {
    // loopback http:// and a Secret in another namespace: what the flags allow (git-credentials.test.ts refuses them)
    const loose = { ...SECURE_DEFAULTS, allowFileUrls: true, allowPrivateNetworks: true, allowCrossNamespaceRefs: true, allowInsecureCredentials: true };
    const { resolve, kube } = source({ security: loose });
    const token = Buffer.from(`reader:${PASSWORD}`).toString('base64');
    const noSecret = (error: unknown): void => {
      for (let e: unknown = error; e instanceof Error; e = e.cause) {
        for (const text of [e.message, String(e.stack), JSON.stringify(e)]) {
          assert.ok(!text.includes(PASSWORD) && !text.includes(token), `secret shown by ${e.name}: ${text}`);
        }
      }
    };
    const closed = `http://127.0.0.1:${await freePort()}/charts.git`;
    for (const chart of [
      { git: closed, path: 'charts/hello', secretRef: { name: 'git-auth' } },
      { git: closed, path: 'charts/hello', secretRef: { name: 'git-auth', namespace: 'shared' } },
      { git: closed.replace('http://', `http://reader:${PASSWORD}@`), path: 'charts/hello' },
    ]) {
      const error = await resolve(release(chart), signal).catch((e: unknown) => e);
      assert.ok(error instanceof WaitingError, `not a WaitingError: ${String(error)}`);
      assert.match(error.message, /Failed to connect/);
      noSecret(error);
    }
    assert.deepEqual([...kube.asked], ['apps/git-auth', 'shared/git-auth']);

    const server = await startRepoServer((_req, res) => void res.writeHead(401, { 'www-authenticate': 'Basic realm="git"' }).end());
    try {
      const error = await resolve(release({ git: `${server.origin}/charts.git`, path: 'charts/hello', secretRef: { name: 'git-auth' } }), signal)
        .catch((e: unknown) => e);
      assert.ok(stalled('spec.chart.git', /could not read Username|Authentication failed/i)(error));
      assert.equal(server.requests[0]?.headers.authorization, `Basic ${token}`, 'the credentials were sent');
      noSecret(error);
    } finally {
      await server.close();
    }
  });

  it('stalls naming spec.chart.secretRef when the Secret or one of its keys is missing', async () => {
    const { resolve } = source();
    for (const name of ['missing', 'no-password']) {
      await assert.rejects(resolve(release({ git: url, path: 'charts/hello', secretRef: { name } }), signal),
        stalled('spec.chart.secretRef', new RegExp(`Secret apps/${name} needs keys username and password`)));
    }
  });

  it('reuses a recently fetched mirror on a routine reconcile, and fetches when asked or when the ref is not in it', async () => {
    const { resolve } = source({ minIntervalMs: 3_600_000 });
    const hr = release({ git: url, path: 'charts/hello' });
    const before = await resolve(hr, signal);
    const newer = await commit(work, { 'NOTES.md': 'routine\n' }, 'A commit the poller has not reported');
    assert.equal((await resolve(hr, signal)).revision, before.revision, 'a routine reconcile fetched');
    assert.equal((await resolve(hr, signal, { refresh: true })).revision, newer, 'a refresh did not fetch');
    await git(work, 'branch', 'late-branch');
    const late = await resolve(release({ git: url, path: 'charts/hello', ref: 'late-branch' }), signal);
    assert.equal(late.revision, newer, 'a ref missing from the mirror was not fetched');
  });
});
