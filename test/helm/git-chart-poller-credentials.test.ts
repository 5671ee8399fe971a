import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import type { ChartSpec, HelmRelease } from '../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { startGitChartPoller } from '../../src/helm/git-chart-poller.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { SECURE_DEFAULTS, type SecurityConfig } from '../../src/security-config.ts';
import { startRepoServer } from './chart/repo-server.ts';

const TEAM_A = { username: 'team-a-bot', password: 'team-a-poll-s3cret' };

// The operator's Git chart poller reads chart.secretRef and runs `git ls-remote` with it, outside the worker: it
// must refuse what the worker refuses, or another tenant's credentials reach any server every poll interval.
describe("the Git chart poller sends no other tenant's credentials", () => {
  const kube = (asked: string[]): KubeClient => ({
    secretKey: async (ns: string, name: string, key: string) => {
      asked.push(`${ns}/${name}`);
      return ns === 'team-a' && name === 'git-auth' ? TEAM_A[key as 'username' | 'password'] : undefined;
    },
  }) as unknown as KubeClient;
  const release = (namespace: string, name: string, chart: ChartSpec): HelmRelease => ({
    apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', metadata: { namespace, name }, spec: { chart },
  });

  // Polls once: team-b's release naming team-a's Secret, and a harmless release of team-b on the same server whose
  // poll tells that the round is done (the refused one is skipped without a poll of its own).
  const pollOnce = async (security: SecurityConfig) => {
    const server = await startRepoServer((_req, res) => void res.writeHead(404).end());
    const asked: string[] = [];
    try {
      const attack = release('team-b', 'steal', { git: `${server.origin}/steal.git`, path: 'c', secretRef: { name: 'git-auth', namespace: 'team-a' } });
      const witness = release('team-b', 'plain', { git: `${server.origin}/plain.git`, path: 'c' });
      const results: string[] = [];
      await new Promise<void>((resolve) => {
        const poller = startGitChartPoller({
          releases: () => [attack, witness], enqueue: () => {}, kube: kube(asked), log: pino({ level: 'silent' }), intervalMs: 20, security,
          onPoll: (result) => {
            results.push(result);
            if (results.length === (security.allowCrossNamespaceRefs ? 2 : 1)) { poller.stop(); resolve(); }
          },
        });
      });
      return { asked, requests: server.requests };
    } finally {
      await server.close();
    }
  };

  it('by default the Secret of team-a is never read and the server sees no Authorization header', async () => {
    const { asked, requests } = await pollOnce({ ...SECURE_DEFAULTS, allowPrivateNetworks: true, allowInsecureCredentials: true });
    assert.deepEqual(asked, []);
    assert.ok(requests.some((r) => r.path.startsWith('/plain.git')), 'the poll round ran');
    assert.deepEqual(requests.filter((r) => r.path.startsWith('/steal.git') || r.headers.authorization), []);
  });

  it('with --allow-cross-namespace-refs the poller reads it, as the Helm Operator did (what the default prevents)', async () => {
    const { asked, requests } = await pollOnce({ ...SECURE_DEFAULTS, allowPrivateNetworks: true, allowInsecureCredentials: true, allowCrossNamespaceRefs: true });
    assert.ok(asked.includes('team-a/git-auth'));
    assert.ok(requests.some((r) => r.path.startsWith('/steal.git') && r.headers.authorization?.startsWith('Basic ')));
  });

  it('credentials over plain http:// are not polled without --allow-insecure-credentials', async () => {
    const { asked, requests } = await pollOnce({ ...SECURE_DEFAULTS, allowPrivateNetworks: true, allowCrossNamespaceRefs: true });
    assert.deepEqual(asked, []);
    assert.deepEqual(requests.filter((r) => r.headers.authorization), []);
  });
});
