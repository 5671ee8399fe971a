import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HelmRelease } from '../../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { referencedSources } from '../../../src/helm/values/referenced-sources.ts';
import { SECURE_DEFAULTS } from '../../../src/security-config.ts';

const hr: HelmRelease = {
  apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', metadata: { namespace: 'apps', name: 'web' },
  spec: {
    chart: { git: 'https://git.example.com/c.git', path: 'c', secretRef: { name: 'git-auth', namespace: 'team-b' }, chartPullSecret: { name: 'pull' } },
    valueFileSecrets: [{ name: 'old' }],
    valuesFrom: [
      { configMapKeyRef: { name: 'values' } },
      { configMapKeyRef: { name: 'shared', namespace: 'platform' } },
      { secretKeyRef: { name: 'admin', namespace: 'kube-system' } },
      { secretKeyRef: { name: 'mine', namespace: 'apps' } },
      { secretKeyRef: { name: 'empty-ns', namespace: '' } },
    ],
  },
};

describe('referencedSources: the objects whose change enqueues a release', () => {
  const own = ['Secret/apps/old', 'ConfigMap/apps/values', 'Secret/apps/mine', 'Secret/apps/empty-ns', 'Secret/apps/pull'];
  const others = ['ConfigMap/platform/shared', 'Secret/kube-system/admin', 'Secret/team-b/git-auth'];

  it('maps only the own namespace by default: a change elsewhere never shows through this release', () => {
    assert.deepEqual([...referencedSources(hr, SECURE_DEFAULTS)].sort(), own.sort());
  });

  it('maps every namespace with --allow-cross-namespace-refs', () => {
    assert.deepEqual([...referencedSources(hr, { allowCrossNamespaceRefs: true })].sort(), [...own, ...others].sort());
  });
});
