import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HelmRelease, HelmReleaseStatus } from '../../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { statusWriter } from '../../../src/helm/status/status-writer.ts';

const hr = (status: HelmReleaseStatus | undefined, generation = 3) =>
  ({ apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', metadata: { name: 'demo', namespace: 'team-a', generation }, spec: { chart: {} }, status }) as unknown as HelmRelease;

// The status patches a writer sends, given what it was read with and what the reconcile set.
async function patches(read: HelmReleaseStatus | undefined, set?: (s: HelmReleaseStatus) => HelmReleaseStatus, flushes = 1) {
  const sent: Array<Partial<HelmReleaseStatus>> = [];
  const writer = statusWriter(hr(read), { patchHelmReleaseStatus: async (_hr, status) => { sent.push(status); } });
  if (set) writer.set(set(writer.status));
  for (let i = 0; i < flushes; i++) await writer.flush();
  return sent;
}

describe('statusWriter.flush', () => {
  const stamped: HelmReleaseStatus = { observedGeneration: 3, releaseStatus: 'deployed', phase: 'Succeeded' } as HelmReleaseStatus;
  it('writes nothing for a status left as read (a no-op reconcile)', async () => {
    assert.deepEqual(await patches(stamped), []);
  });
  it('writes nothing for a status set to an equal copy', async () => {
    assert.deepEqual(await patches(stamped, (s) => ({ ...s })), []);
  });
  it('stamps the generation on a status read without it', async () => {
    assert.deepEqual(await patches({ ...stamped, observedGeneration: 2 }), [{ ...stamped, observedGeneration: 3 }]);
    assert.deepEqual(await patches(undefined), [{ observedGeneration: 3 }]);
  });
  it('writes a change once, however often it is flushed', async () => {
    assert.deepEqual(await patches(stamped, (s) => ({ ...s, releaseStatus: 'failed' }), 2), [{ ...stamped, releaseStatus: 'failed' }]);
  });
});
