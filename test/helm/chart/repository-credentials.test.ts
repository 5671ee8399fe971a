import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { ChartSpec } from '../../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../../src/errors/stalling-error.ts';
import { resolveChart } from '../../../src/helm/chart/resolve-chart.ts';
import type { KubeClient } from '../../../src/kube/client.ts';
import { SECURE_DEFAULTS, type SecurityConfig } from '../../../src/security-config.ts';
import { serveFiles, startRepoServer } from './repo-server.ts';

const PULL = { username: 'puller', password: 'pull-s3cret-44d1' };

// chartPullSecret (and user info in spec.chart.repository) over plain http:// is refused before the Secret is read
// or the repository is asked, unless --allow-insecure-credentials.
describe('Helm repository credentials never travel over plain http:// by default', () => {
  const root = mkdtempSync(join(tmpdir(), 'capstan-repo-credentials-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const run = async (chart: (origin: string) => ChartSpec, security: SecurityConfig) => {
    const server = await startRepoServer(serveFiles({}));
    const asked: string[] = [];
    const kube = { secretKey: async (ns: string, name: string, key: string) => {
      asked.push(`${ns}/${name}`);
      return PULL[key as 'username' | 'password'];
    } } as unknown as KubeClient;
    try {
      const error = await resolveChart(
        { apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', metadata: { namespace: 'apps', name: 'x' }, spec: { chart: chart(server.origin) } },
        { kube, cacheDir: mkdtempSync(join(root, 'cache-')), sources: {}, signal: new AbortController().signal, security },
      ).catch((e: unknown) => e);
      return { error, asked, requests: server.requests };
    } finally {
      await server.close();
    }
  };
  const withSecret = (origin: string): ChartSpec => ({ repository: origin, name: 'hello', version: '1.0.0', chartPullSecret: { name: 'pull' } });
  const inUrl = (origin: string): ChartSpec => ({ repository: origin.replace('http://', `http://${PULL.username}:${PULL.password}@`), name: 'hello', version: '1.0.0' });
  const loopback = { ...SECURE_DEFAULTS, allowPrivateNetworks: true };

  for (const [what, chart] of [['chartPullSecret', withSecret], ['user info in the URL', inUrl]] as const) {
    it(`${what}: refused naming spec.chart.repository and the flag; nothing read, nothing sent`, async () => {
      const { error, asked, requests } = await run(chart, loopback);
      assert.ok(error instanceof StallingError, String(error));
      assert.equal(error.field, 'spec.chart.repository');
      assert.match(error.message, /over plain http:\/\/ .*--allow-insecure-credentials/);
      assert.doesNotMatch(error.message, new RegExp(PULL.password));
      assert.deepEqual(asked, []);
      assert.deepEqual(requests, []);
    });

    it(`${what}: sent with --allow-insecure-credentials (what the default prevents)`, async () => {
      const { requests } = await run(chart, { ...loopback, allowInsecureCredentials: true });
      assert.equal(requests[0]?.headers.authorization, `Basic ${Buffer.from(`${PULL.username}:${PULL.password}`).toString('base64')}`);
    });
  }
});
