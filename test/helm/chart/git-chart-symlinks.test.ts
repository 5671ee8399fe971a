import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import type { ChartSpec, HelmRelease } from '../../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../../src/errors/stalling-error.ts';
import { readChartFile } from '../../../src/helm/chart/chart-file.ts';
import { findTreeProblem } from '../../../src/helm/chart/contained-tree.ts';
import { gitChartSource } from '../../../src/helm/chart/git-source.ts';
import type { HelmRunner } from '../../../src/helm/runner.ts';
import type { KubeClient } from '../../../src/kube/client.ts';
import { SECURE_DEFAULTS } from '../../../src/security-config.ts';
import { commit, git, HELLO_CHART_DIR } from '../../git/git-fixtures.ts';

const root = mkdtempSync(join(tmpdir(), 'capstan-git-chart-links-'));
after(() => rmSync(root, { recursive: true, force: true }));

// A file on the "worker's disk", outside any repository or chart: what an attacker wants rendered.
const SECRET_FILE = join(root, 'worker-token');
const SECRET_DIR = join(root, 'worker-secrets');

const release = (chart: ChartSpec): HelmRelease => ({
  apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', metadata: { namespace: 'apps', name: 'hello' }, spec: { chart },
});

const stalledOn = (field: string, message: RegExp) => (error: unknown): boolean => {
  assert.ok(error instanceof StallingError, `not a StallingError: ${String(error)}`);
  assert.equal(error.reason, 'ChartFetchFailed');
  assert.equal(error.field, field);
  assert.match(error.message, message);
  return true;
};

describe('a Git chart with symbolic links and file:// dependencies', () => {
  const work = join(root, 'work');
  const url = `file://${work}`;
  const built: string[] = [];
  const helm = { dependencyBuild: async ({ chartDir }: { chartDir: string }) => void built.push(chartDir) } as unknown as HelmRunner;
  const kube = {} as KubeClient;
  const resolve = gitChartSource({ kube, helm, cacheDir: join(root, 'cache'), minIntervalMs: 0, security: { ...SECURE_DEFAULTS, allowFileUrls: true } });
  const signal = new AbortController().signal;
  // Commits charts/<name> as the hello chart plus `links` (path → target) and `files`.
  const chart = async (name: string, links: Record<string, string>, files: Record<string, string> = {}): Promise<void> => {
    const dir = join(work, 'charts', name);
    cpSync(HELLO_CHART_DIR, dir, { recursive: true });
    for (const [path, target] of Object.entries(links)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      symlinkSync(target, join(dir, path));
    }
    await commit(work, Object.fromEntries(Object.entries(files).map(([p, body]) => [`charts/${name}/${p}`, body])), `Add ${name}`);
  };

  before(async () => {
    writeFileSync(SECRET_FILE, 'token: s3cr3t-of-the-worker\n');
    mkdirSync(SECRET_DIR);
    writeFileSync(join(SECRET_DIR, 'ssh-key'), 'PRIVATE KEY\n');
    await git(root, 'init', '--quiet', '--initial-branch=master', work);
    await commit(work, { 'shared/values.yaml': 'shared: true\n' }, 'Shared files outside any chart');
    await chart('leak', { 'templates/leak.yaml': SECRET_FILE });
    await chart('climb', { 'values-prod.yaml': '../../shared/values.yaml' });
    await chart('dir-out', { 'templates/secrets': SECRET_DIR });
    await chart('loop', { 'templates/loop': '..' });
    await chart('inside', { 'values-prod.yaml': 'values.yaml', 'templates/more': '../extra' }, { 'extra/cm.yaml': 'kind: ConfigMap\n' });
    const deps = (repository: string, file = 'Chart.yaml') => ({
      [file]: `${file === 'Chart.yaml' ? readFileSync(join(HELLO_CHART_DIR, 'Chart.yaml'), 'utf8') : ''}dependencies:\n  - name: common\n    version: 1.0.0\n    repository: "${repository}"\n`,
    });
    await chart('dep-abs', {}, deps(`file://${SECRET_DIR}`));
    await chart('dep-climb', {}, deps('file://../inside'));
    await chart('dep-inside', {}, { ...deps('file://./sub/common'), 'sub/common/Chart.yaml': 'apiVersion: v2\nname: common\nversion: 1.0.0\n' });
    await chart('dep-requirements', {}, {
      ...deps('https://charts.example.com/common'), ...deps(`file://${SECRET_DIR}`, 'requirements.yaml'),
    });
    await chart('dep-unreadable', {}, { ...deps('https://charts.example.com/common'), 'requirements.yaml': 'dependencies: [\n' });
  });

  it('refuses a template linked to a file on the worker\'s disk, naming spec.chart.path and the link', async () => {
    await assert.rejects(resolve(release({ git: url, path: 'charts/leak' }), signal),
      stalledOn('spec.chart.path', new RegExp(`"charts/leak/templates/leak\\.yaml" is a symbolic link to "${SECRET_FILE}", outside the chart`)));
  });

  it('refuses a link that climbs out of the chart, a link to an outside directory, and a loop', async () => {
    await assert.rejects(resolve(release({ git: url, path: 'charts/climb' }), signal),
      stalledOn('spec.chart.path', /"charts\/climb\/values-prod\.yaml" is a symbolic link to "\.\.\/\.\.\/shared\/values\.yaml", outside the chart/));
    await assert.rejects(resolve(release({ git: url, path: 'charts/dir-out' }), signal),
      stalledOn('spec.chart.path', /"charts\/dir-out\/templates\/secrets" is a symbolic link to .*, outside the chart/));
    await assert.rejects(resolve(release({ git: url, path: 'charts/loop' }), signal),
      stalledOn('spec.chart.path', /"charts\/loop\/templates\/loop" is a symbolic link to "\.\.", a directory that contains it \(a loop\)/));
  });

  it('allows links that stay inside the chart, and chartFileRef follows them', async () => {
    const got = await resolve(release({ git: url, path: 'charts/inside' }), signal);
    assert.equal(await readChartFile(got.ref, 'values-prod.yaml'), readFileSync(join(HELLO_CHART_DIR, 'values.yaml'), 'utf8'));
    assert.equal(await readChartFile(got.ref, 'templates/more/cm.yaml'), 'kind: ConfigMap\n');
  });

  it('refuses a file:// dependency outside the chart before helm dependency build runs, and allows one inside', async () => {
    await assert.rejects(resolve(release({ git: url, path: 'charts/dep-abs' }), signal),
      stalledOn('spec.chart.path', new RegExp(`"charts/dep-abs/Chart\\.yaml" lists a dependency from "file://${SECRET_DIR}", outside the chart`)));
    await assert.rejects(resolve(release({ git: url, path: 'charts/dep-climb' }), signal),
      stalledOn('spec.chart.path', /"charts\/dep-climb\/Chart\.yaml" lists a dependency from "file:\/\/\.\.\/inside"/));
    await assert.rejects(resolve(release({ git: url, path: 'charts/dep-requirements' }), signal),
      stalledOn('spec.chart.path', /"charts\/dep-requirements\/requirements\.yaml" lists a dependency from "file:\/\//));
    await assert.rejects(resolve(release({ git: url, path: 'charts/dep-unreadable' }), signal),
      stalledOn('spec.chart.path', /"charts\/dep-unreadable\/requirements\.yaml" cannot be read to check its dependencies/));
    assert.deepEqual(built, [], 'helm dependency build never ran for them');
    await resolve(release({ git: url, path: 'charts/dep-inside' }), signal);
    assert.equal(built.length, 1, 'a dependency inside the chart is built');
    await resolve(release({ git: url, path: 'charts/dep-abs', skipDepUpdate: true }), signal);
    assert.equal(built.length, 1, 'without a dependency build, nothing is packaged, so nothing is refused');
  });
});

describe('readChartFile in a chart directory', () => {
  it('refuses a chartFileRef to a link out of the chart, directly or through a linked directory', async () => {
    const dir = mkdtempSync(join(root, 'chart-'));
    writeFileSync(join(dir, 'values.yaml'), 'a: 1\n');
    symlinkSync(SECRET_FILE, join(dir, 'leak.yaml'));
    symlinkSync(SECRET_DIR, join(dir, 'conf'));
    symlinkSync('values.yaml', join(dir, 'prod.yaml'));
    for (const path of ['leak.yaml', 'conf/ssh-key']) {
      await assert.rejects(readChartFile(dir, path), (err: unknown) => {
        assert.ok(err instanceof StallingError, String(err));
        assert.match(err.message, new RegExp(`^"${path}" leads outside the chart`));
        return true;
      }, path);
    }
    assert.equal(await readChartFile(dir, 'prod.yaml'), 'a: 1\n');
    assert.equal(await readChartFile(dir, 'missing.yaml'), undefined);
  });
});

describe('findTreeProblem', () => {
  it('refuses special files and more entries or bytes than the limits', async () => {
    const dir = mkdtempSync(join(root, 'tree-'));
    writeFileSync(join(dir, 'a.yaml'), 'x'.repeat(600));
    writeFileSync(join(dir, 'b.yaml'), 'x'.repeat(600));
    assert.deepEqual(await findTreeProblem(dir, { maxBytes: 1000, maxEntries: 10 }), { path: 'b.yaml', problem: 'makes the chart larger than 1000 bytes' });
    assert.deepEqual(await findTreeProblem(dir, { maxBytes: 2000, maxEntries: 1 }), { path: 'b.yaml', problem: 'makes the chart hold more than 1 entries' });
    assert.equal(await findTreeProblem(dir), undefined);
    await execa('mkfifo', [join(dir, 'pipe')]);
    assert.deepEqual(await findTreeProblem(dir), { path: 'pipe', problem: 'is not a file, directory or symbolic link' });
  });
});
