import { pino } from 'pino';
import type { HelmRelease, HelmReleaseSpec } from '../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { reconcileRelease, type ReconcileDeps } from '../../src/helm/reconcile.ts';
import { SECURE_DEFAULTS } from '../../src/security-config.ts';
import { FakeHelm } from '../fakes/fake-helm.ts';
import { FakeKube } from '../fakes/fake-kube.ts';

export const KEY = { namespace: 'apps', name: 'web' };
export const DIGEST_KEY = Buffer.from('0123456789abcdef0123456789abcdef');

// One HelmRelease apps/web (a Git chart resolved in memory) on a fake cluster and a fake helm, and the ways a test
// looks at it: what helm ran, the status, the Helm storage reads, and a spec edit as `kubectl edit` makes it.
export function releaseFixture(spec: Partial<HelmReleaseSpec> = {}) {
  const kube = new FakeKube();
  const helm = new FakeHelm(kube);
  const hr: HelmRelease = {
    apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease',
    metadata: { ...KEY, generation: 1, finalizers: [] },
    spec: { chart: { git: 'git://example.invalid/charts.git', path: 'hello' }, releaseName: 'web', ...spec },
  };
  kube.put(hr);
  const deps: ReconcileDeps = {
    kube, helm, now: () => new Date('2026-01-01T00:00:00Z'), log: pino({ level: 'silent' }), chartCacheDir: '/nonexistent',
    security: SECURE_DEFAULTS, digestKey: DIGEST_KEY,
    chartSources: { git: async () => ({ ref: '/charts/hello', revision: 'abc123', digest: 'git:tree1' }) },
  };
  const live = (): HelmRelease => {
    const cur = kube.releases.get('apps/web');
    if (!cur) throw new Error('gone');
    return cur;
  };
  return {
    kube, helm, deps, live,
    run: () => reconcileRelease(KEY, deps, new AbortController().signal),
    status: () => kube.releases.get('apps/web')?.status,
    condition: (type: string) => kube.releases.get('apps/web')?.status?.conditions?.find((c) => c.type === type),
    verbs: () => helm.calls.map((c) => c.verb).filter((v) => v !== 'get'),
    history: () => kube.storage.get('apps/web') ?? [],
    bump: (edit: Partial<HelmReleaseSpec>) => {
      const cur = live();
      cur.spec = { ...cur.spec, ...edit };
      cur.metadata.generation = (cur.metadata.generation ?? 0) + 1;
    },
  };
}
