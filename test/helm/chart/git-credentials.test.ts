import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { ChartSpec, HelmRelease } from '../../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../../src/errors/stalling-error.ts';
import { gitChartSource } from '../../../src/helm/chart/git-source.ts';
import { gitCredentialsRefusal } from '../../../src/helm/chart/git-credentials.ts';
import type { HelmRunner } from '../../../src/helm/runner.ts';
import type { KubeClient } from '../../../src/kube/client.ts';
import { SECURE_DEFAULTS, type SecurityConfig } from '../../../src/security-config.ts';
import { startRepoServer } from './repo-server.ts';

const TEAM_A = { username: 'team-a-bot', password: 'team-a-s3cret-7c1e' };
const TEAM_A_BASIC = `Basic ${Buffer.from(`${TEAM_A.username}:${TEAM_A.password}`).toString('base64')}`;

// A KubeClient holding team-a's Git credentials, recording every Secret it was asked for.
function fakeKube(): KubeClient & { asked: string[] } {
  const asked: string[] = [];
  const secrets: Record<string, Record<string, string>> = { 'team-a/git-auth': TEAM_A };
  const kube = {
    asked,
    secretKey: async (namespace: string, name: string, key: string) => {
      asked.push(`${namespace}/${name}`);
      return secrets[`${namespace}/${name}`]?.[key];
    },
  };
  return kube as unknown as KubeClient & { asked: string[] };
}

const release = (namespace: string, chart: ChartSpec): HelmRelease => ({
  apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', metadata: { namespace, name: 'hello' }, spec: { chart },
});
// loopback servers are the test's own: the address policy is not what is tested here
const LOOPBACK: SecurityConfig = { ...SECURE_DEFAULTS, allowPrivateNetworks: true };

describe("a Git chart's credentials go only where their owner sent them", () => {
  const root = mkdtempSync(join(tmpdir(), 'capstan-git-credentials-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const resolveWith = (security: SecurityConfig) => {
    const kube = fakeKube();
    const resolve = gitChartSource({ kube, helm: {} as HelmRunner, cacheDir: mkdtempSync(join(root, 'cache-')), minIntervalMs: 0, security });
    return { kube, resolve };
  };
  const signal = new AbortController().signal;
  const recorder = () => startRepoServer((_req, res) => void res.writeHead(401, { 'www-authenticate': 'Basic realm="git"' }).end());

  it("team-b names team-a's Secret with a URL on its own server: refused before the Secret is read, nothing is sent", async () => {
    const attacker = await recorder();
    try {
      // even with credentials over http:// allowed, the namespace alone refuses it
      const { kube, resolve } = resolveWith({ ...LOOPBACK, allowInsecureCredentials: true });
      const hr = release('team-b', { git: `${attacker.origin}/charts.git`, path: 'charts/hello', secretRef: { name: 'git-auth', namespace: 'team-a' } });
      const error = await resolve(hr, signal).catch((e: unknown) => e);
      assert.ok(error instanceof StallingError, String(error));
      assert.equal(error.field, 'spec.chart.secretRef.namespace');
      assert.match(error.message, /namespace "team-a" is not the HelmRelease's own \(team-b\).*--allow-cross-namespace-refs/);
      assert.deepEqual(kube.asked, [], 'a Secret was read');
      assert.deepEqual(attacker.requests, [], 'the server was contacted');
    } finally {
      await attacker.close();
    }
  });

  it('credentials over plain http:// are refused before the Secret is read, naming spec.chart.git and the flag', async () => {
    const server = await recorder();
    try {
      const { kube, resolve } = resolveWith(LOOPBACK);
      for (const chart of [
        { git: `${server.origin}/charts.git`, path: 'charts/hello', secretRef: { name: 'git-auth' } },
        { git: server.origin.replace('http://', `http://${TEAM_A.username}:${TEAM_A.password}@`), path: 'charts/hello' },
      ]) {
        const error = await resolve(release('team-a', chart), signal).catch((e: unknown) => e);
        assert.ok(error instanceof StallingError, String(error));
        assert.equal(error.field, 'spec.chart.git');
        assert.match(error.message, /over plain http:\/\/ .*--allow-insecure-credentials/);
        assert.doesNotMatch(error.message, new RegExp(TEAM_A.password));
      }
      assert.deepEqual(kube.asked, []);
      assert.deepEqual(server.requests, []);
    } finally {
      await server.close();
    }
  });

  it('with --allow-cross-namespace-refs and --allow-insecure-credentials the Helm Operator behaviour is back', async () => {
    const server = await recorder();
    try {
      const { kube, resolve } = resolveWith({ ...LOOPBACK, allowCrossNamespaceRefs: true, allowInsecureCredentials: true });
      const hr = release('team-b', { git: `${server.origin}/charts.git`, path: 'charts/hello', secretRef: { name: 'git-auth', namespace: 'team-a' } });
      await assert.rejects(resolve(hr, signal), StallingError); // 401 from the test's server
      assert.deepEqual([...new Set(kube.asked)], ['team-a/git-auth']);
      assert.equal(server.requests[0]?.headers.authorization, TEAM_A_BASIC, 'what the default refuses is what this would send');
    } finally {
      await server.close();
    }
  });

  it('gitCredentialsRefusal decides from the spec alone', () => {
    const git = (url: string, secretRef?: ChartSpec['secretRef']) => release('apps', { git: url, path: 'c', ...(secretRef ? { secretRef } : {}) });
    const cases: Array<[HelmRelease, Partial<SecurityConfig>, string | undefined]> = [
      [git('https://git.example.com/c.git', { name: 'auth' }), {}, undefined],
      [git('https://git.example.com/c.git', { name: 'auth', namespace: 'apps' }), {}, undefined],
      [git('https://git.example.com/c.git', { name: 'auth', namespace: 'other' }), {}, 'spec.chart.secretRef.namespace'],
      [git('https://git.example.com/c.git', { name: 'auth', namespace: 'other' }), { allowCrossNamespaceRefs: true }, undefined],
      [git('http://git.example.com/c.git', { name: 'auth' }), {}, 'spec.chart.git'],
      [git('http://git.example.com/c.git', { name: 'auth' }), { allowInsecureCredentials: true }, undefined],
      [git('http://git.example.com/c.git'), {}, undefined],
      [git('ssh://git@git.example.com/c.git', { name: 'auth' }), {}, undefined],
    ];
    for (const [hr, loosen, field] of cases) {
      assert.equal(gitCredentialsRefusal(hr, { ...SECURE_DEFAULTS, ...loosen })?.field, field, JSON.stringify([hr.spec.chart, loosen]));
    }
  });
});
