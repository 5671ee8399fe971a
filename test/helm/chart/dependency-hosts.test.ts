import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { StallingError } from '../../../src/errors/stalling-error.ts';
import { checkDependencyRepositories } from '../../../src/helm/chart/dependency-hosts.ts';
import { SECURE_DEFAULTS } from '../../../src/security-config.ts';
import { onlyEndpoints } from '../../net/test-access.ts';

const chartYaml = (repositories: string[]): string => `apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n${
  repositories.map((r, i) => `  - name: dep${i}\n    version: 1.0.0\n    repository: "${r}"\n`).join('')}`;

// `helm dependency build` dials each repository itself, so the hosts are checked before it runs.
describe('checkDependencyRepositories', () => {
  const root = mkdtempSync(join(tmpdir(), 'capstan-dependency-hosts-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const names = { 'charts.public.test': ['8.8.8.8'], 'charts.internal.test': ['192.168.1.5'] };
  const chart = (files: Record<string, string>): string => {
    const dir = mkdtempSync(join(root, 'chart-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };
  const refused = (about: RegExp, range: RegExp) => (error: unknown): boolean => {
    assert.ok(error instanceof StallingError, `not a StallingError: ${String(error)}`);
    assert.equal(error.field, 'spec.chart.path');
    assert.match(error.message, about);
    assert.match(error.message, range);
    assert.match(error.message, /unless started with --allow-private-networks$/);
    return true;
  };

  it('refuses a dependency repository on a refused address, naming the file and the dependency', async () => {
    const cases: Array<[string, RegExp, RegExp]> = [
      ['http://169.254.169.254/charts', /dependency "dep1" of charts\/app\/Chart\.yaml \(repository http:\/\/169\.254\.169\.254\)/, /is link-local/],
      ['oci://10.0.0.1/charts', /dependency "dep1" of charts\/app\/Chart\.yaml \(repository oci:\/\/10\.0\.0\.1\)/, /10\.0\.0\.1 is private/],
      ['https://charts.internal.test/stable', /dependency "dep1"/, /192\.168\.1\.5 \(the address of charts\.internal\.test\) is private/],
      ['http://127.0.0.1:6379/', /dependency "dep1"/, /127\.0\.0\.1 is loopback/],
    ];
    for (const [repository, about, range] of cases) {
      const dir = chart({ 'Chart.yaml': chartYaml(['https://charts.public.test/stable', repository]) });
      await assert.rejects(checkDependencyRepositories(dir, 'charts/app', SECURE_DEFAULTS, onlyEndpoints([], names)), refused(about, range), repository);
    }
  });

  it('checks Chart.lock and requirements.yaml too, which helm reads as well', async () => {
    const dir = chart({ 'Chart.yaml': chartYaml(['https://charts.public.test/stable']), 'Chart.lock': chartYaml(['http://[::1]:8080/']) });
    await assert.rejects(checkDependencyRepositories(dir, '', SECURE_DEFAULTS, onlyEndpoints([], names)), refused(/of Chart\.lock/, /::1 is loopback/));
    const v1 = chart({ 'Chart.yaml': 'apiVersion: v1\nname: app\nversion: 1.0.0\n', 'requirements.yaml': chartYaml(['http://100.64.1.1/']) });
    await assert.rejects(checkDependencyRepositories(v1, '', SECURE_DEFAULTS, onlyEndpoints([], names)), refused(/of requirements\.yaml/, /carrier-grade NAT/));
  });

  it('passes public repositories, named repositories, local dependencies and broken files (helm reports those)', async () => {
    const access = onlyEndpoints([], names);
    const dir = chart({ 'Chart.yaml': chartYaml(['https://charts.public.test/stable', '@stable', 'alias:stable', 'file://../common', '']), 'Chart.lock': 'dependencies: [unclosed' });
    await checkDependencyRepositories(dir, 'charts/app', SECURE_DEFAULTS, access);
    assert.deepEqual(access.resolved, ['charts.public.test']);
    await checkDependencyRepositories(chart({ 'Chart.yaml': chartYaml(['http://127.0.0.1/']) }), '', { ...SECURE_DEFAULTS, allowPrivateNetworks: true });
  });
});
