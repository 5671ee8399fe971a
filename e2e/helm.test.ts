import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { freshNamespace, kubeConfig } from './support/cluster.ts';
import { execHelmRunner } from '../src/helm/runner.ts';
import { HELLO_CHART, helmCli } from './support/helm.ts';

interface HistoryEntry { revision: number; status: string; description: string }

describe('the pinned helm against the local control plane', () => {
  const kc = kubeConfig();
  const helm = helmCli();
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  before(async () => ([ns, dropNamespace] = await freshNamespace(kc, 'helm')));
  after(async () => dropNamespace());

  const ok = async (args: string[]): Promise<string> => {
    const r = await helm([...args, '--namespace', ns]);
    assert.equal(r.exitCode, 0, `helm ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const history = async (release: string): Promise<HistoryEntry[]> =>
    JSON.parse(await ok(['history', release, '-o', 'json'])) as HistoryEntry[];
  const message = async (release: string): Promise<string | undefined> => {
    const d = await kc.makeApiClient(k8s.AppsV1Api).readNamespacedDeployment({ name: `${release}-hello`, namespace: ns });
    return d.spec?.template.metadata?.annotations?.['hello/message'];
  };

  it('is the pinned version, built with its version stamped', async () => {
    const r = await helm(['version', '--template', '{{ .Version }}']);
    assert.match(r.stdout, /^v3\.\d+\.\d+$/);
  });

  it('installs, upgrades to revision 2, rolls back to revision 1 and passes `helm test`', async () => {
    await ok(['install', 'web', HELLO_CHART, '--wait', '--timeout', '60s']);
    assert.equal(await message('web'), 'hello');
    await ok(['upgrade', 'web', HELLO_CHART, '--set', 'message=second', '--wait', '--timeout', '60s']);
    assert.equal(await message('web'), 'second');
    await ok(['rollback', 'web', '1', '--wait', '--timeout', '60s']);
    assert.equal(await message('web'), 'hello');
    const revisions = await history('web');
    assert.deepEqual(revisions.map((h) => [h.revision, h.status]), [[1, 'superseded'], [2, 'superseded'], [3, 'deployed']]);
    assert.match(revisions[2]?.description ?? '', /Rollback to 1/);

    const test = await helm(['test', 'web', '--namespace', ns, '--timeout', '60s']);
    assert.equal(test.exitCode, 0, test.stderr);
    assert.match(test.stdout, /Phase:\s+Succeeded/);
  });

  it('fails `helm test` when the test pod fails', async () => {
    await ok(['install', 'badtest', HELLO_CHART, '--set', 'testFail=true', '--wait', '--timeout', '60s']);
    const test = await helm(['test', 'badtest', '--namespace', ns, '--timeout', '60s']);
    assert.notEqual(test.exitCode, 0);
    assert.match(test.stderr, /badtest-hello-test.*failed/i);
  });

  it('fails `helm upgrade --wait` when the new pods never become Ready', async () => {
    await ok(['install', 'flaky', HELLO_CHART, '--wait', '--timeout', '60s']);
    const r = await helm(['upgrade', 'flaky', HELLO_CHART, '--namespace', ns, '--set', 'fail=true', '--wait', '--timeout', '10s']);
    assert.notEqual(r.exitCode, 0);
    assert.match(r.stderr, /context deadline exceeded|timed out/i);
    // helm 3 keeps the last good revision deployed beside the failed one
    const revisions = await history('flaky');
    assert.deepEqual(revisions.map((h) => [h.revision, h.status]), [[1, 'deployed'], [2, 'failed']]);
  });

  it('installs over a release uninstalled with --keep-history only with --replace (the runner passes it)', async () => {
    await ok(['install', 'kept', HELLO_CHART, '--wait', '--timeout', '60s']);
    await ok(['uninstall', 'kept', '--keep-history']);
    const plain = await helm(['install', 'kept', HELLO_CHART, '--namespace', ns]);
    assert.notEqual(plain.exitCode, 0, 'helm installed over a kept history without --replace');
    const runner = execHelmRunner({ binary: process.env.CAPSTAN_HELM_BINARY ?? 'helm', kubeconfig: process.env.KUBECONFIG });
    const made = await runner.install({ release: 'kept', namespace: ns, chart: HELLO_CHART, values: {}, timeoutSec: 60, wait: true, replace: true });
    const revisions = await history('kept');
    assert.equal(revisions.at(-1)?.status, 'deployed');
    // the runner reports what helm made (--output json), so no history read or `helm get manifest` has to follow
    assert.deepEqual([made.version, made.status], [revisions.at(-1)?.revision, 'deployed']);
    assert.match(made.manifest ?? '', /kind: Deployment/);
  });
});
