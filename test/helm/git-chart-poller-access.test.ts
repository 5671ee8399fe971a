import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import type { HelmRelease } from '../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { startGitChartPoller } from '../../src/helm/git-chart-poller.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { SECURE_DEFAULTS, type SecurityConfig } from '../../src/security-config.ts';
import { commit, git } from '../git/git-fixtures.ts';

// The operator's Git chart poller runs `git ls-remote` on URLs a HelmRelease author wrote: the same checks as the
// worker's apply before git runs.
describe('the Git chart poller and the address policy', () => {
  const root = mkdtempSync(join(tmpdir(), 'capstan-poller-access-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const release = (url: string): HelmRelease => ({
    apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', metadata: { namespace: 'apps', name: 'x' }, spec: { chart: { git: url, path: 'charts/hello' } },
  });
  const firstPoll = (url: string, security: SecurityConfig): Promise<{ result: string; log: string }> => new Promise((resolve) => {
    let log = '';
    const logger = pino({ level: 'warn' }, { write: (line: string) => { log += line; } });
    const poller = startGitChartPoller({
      releases: () => [release(url)], enqueue: () => {}, kube: {} as KubeClient, log: logger, intervalMs: 20, security,
      onPoll: (result) => { poller.stop(); setImmediate(() => resolve({ result, log })); }, // the warning follows onPoll
    });
  });

  it('never lists a file:// repository without --allow-file-urls', async () => {
    const work = join(root, 'work');
    await git(root, 'init', '--quiet', '--initial-branch=master', work);
    await commit(work, { 'charts/hello/Chart.yaml': 'name: hello\n' }, 'A chart');
    const refused = await firstPoll(`file://${work}`, SECURE_DEFAULTS);
    assert.equal(refused.result, 'error');
    assert.match(refused.log, /--allow-file-urls/);
    assert.equal((await firstPoll(`file://${work}`, { ...SECURE_DEFAULTS, allowFileUrls: true })).result, 'unchanged');
  });

  it('never dials a loopback host without --allow-private-networks', async () => {
    const refused = await firstPoll('git://127.0.0.1:1/charts.git', SECURE_DEFAULTS);
    assert.equal(refused.result, 'error');
    assert.match(refused.log, /refused: 127\.0\.0\.1 is loopback/);
    const dialled = await firstPoll('git://127.0.0.1:1/charts.git', { ...SECURE_DEFAULTS, allowPrivateNetworks: true });
    assert.match(dialled.log, /unable to connect to 127\.0\.0\.1.*Connection refused/, 'with the flag, git dials it');
  });
});
