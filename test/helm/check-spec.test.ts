import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import type { HelmReleaseSpec } from '../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../src/errors/stalling-error.ts';
import { assertSpecShape, MAX_TIMEOUT_SECONDS, specProblem } from '../../src/helm/check-spec.ts';
import { reconcileRelease } from '../../src/helm/reconcile.ts';
import { SECURE_DEFAULTS } from '../../src/security-config.ts';
import { FakeHelm } from '../fakes/fake-helm.ts';
import { FakeKube } from '../fakes/fake-kube.ts';

const chart = { repository: 'https://charts.example.com', name: 'hello', version: '1.0.0' };

// Every field of the Helm Operator's schema and Capstan's additions, set as a real file sets them.
const FULL = {
  helmVersion: 'v3', chart: { ...chart, chartPullSecret: { name: 'pull' }, skipDepUpdate: true }, releaseName: 'web', targetNamespace: 'apps',
  timeout: 600, resetValues: false, skipCRDs: true, wait: true, forceUpgrade: false, maxHistory: 0, disableOpenAPIValidation: false,
  valueFileSecrets: [{ name: 'old' }], values: { image: { tag: '1.0' }, list: [1, 2] }, suspend: false,
  valuesFrom: [{ configMapKeyRef: { name: 'cm', key: 'v.yaml', optional: true } }, { secretKeyRef: { name: 's', namespace: 'apps' } },
    { externalSourceRef: { url: 'https://x.example/v.yaml' } }, { chartFileRef: { path: 'values-prod.yaml' } }],
  rollback: { enable: true, retry: true, maxRetries: 5, timeout: 300, wait: true, disableHooks: false, recreate: false, force: false },
  test: { enable: true, ignoreFailures: false, timeout: 120, cleanup: true }, dependsOn: [{ name: 'db', namespace: 'apps' }],
  unknownOldField: { anything: true },
};

// What the worker may be handed by an API server whose CRD does not validate (an older CRD, or none): each
// field of the wrong type or out of range, and the field the refusal must name.
const HOSTILE: Array<[string, unknown, string]> = [
  ['spec a list', [1], 'spec'],
  ['no chart', { releaseName: 'x' }, 'spec.chart'],
  ['chart a string', { chart: 'hello' }, 'spec.chart'],
  ['chart.version a number', { chart: { ...chart, version: 1.5 } }, 'spec.chart.version'],
  ['chart.version 2,000 characters', { chart: { ...chart, version: `1.${'9'.repeat(2000)}` } }, 'spec.chart.version'],
  ['chart.repository a map', { chart: { ...chart, repository: { url: 'x' } } }, 'spec.chart.repository'],
  ['chart.secretRef a string', { chart: { git: 'https://g.example/c.git', path: 'c', secretRef: 'creds' } }, 'spec.chart.secretRef'],
  ['chart.skipDepUpdate a string', { chart: { ...chart, skipDepUpdate: 'yes' } }, 'spec.chart.skipDepUpdate'],
  ['releaseName a number', { chart, releaseName: 42 }, 'spec.releaseName'],
  ['targetNamespace a map', { chart, targetNamespace: { name: 'x' } }, 'spec.targetNamespace'],
  ['timeout a duration string', { chart, timeout: '10m' }, 'spec.timeout'],
  ['timeout a fraction', { chart, timeout: 1.5 }, 'spec.timeout'],
  ['timeout negative', { chart, timeout: -1 }, 'spec.timeout'],
  ['timeout zero', { chart, timeout: 0 }, 'spec.timeout'],
  ['timeout beyond a day', { chart, timeout: MAX_TIMEOUT_SECONDS + 1 }, 'spec.timeout'],
  ['timeout past 2^53', { chart, timeout: 2 ** 63 }, 'spec.timeout'],
  ['maxHistory negative', { chart, maxHistory: -1 }, 'spec.maxHistory'],
  ['maxHistory a string', { chart, maxHistory: '10' }, 'spec.maxHistory'],
  ['wait a string', { chart, wait: 'true' }, 'spec.wait'],
  ['suspend the string "false"', { chart, suspend: 'false' }, 'spec.suspend'],
  ['values a list', { chart, values: [1, 2] }, 'spec.values'],
  ['values a string', { chart, values: 'a: 1' }, 'spec.values'],
  ['rollback true', { chart, rollback: true }, 'spec.rollback'],
  ['rollback.maxRetries negative', { chart, rollback: { enable: true, maxRetries: -1 } }, 'spec.rollback.maxRetries'],
  ['rollback.timeout a string', { chart, rollback: { timeout: '5m' } }, 'spec.rollback.timeout'],
  ['test.enable a string', { chart, test: { enable: 'yes' } }, 'spec.test.enable'],
  ['test.timeout negative', { chart, test: { enable: true, timeout: -5 } }, 'spec.test.timeout'],
  ['valuesFrom a map', { chart, valuesFrom: { configMapKeyRef: { name: 'x' } } }, 'spec.valuesFrom'],
  ['valuesFrom[1] a string', { chart, valuesFrom: [{ configMapKeyRef: { name: 'ok' } }, 'values.yaml'] }, 'spec.valuesFrom[1]'],
  ['configMapKeyRef.name a number', { chart, valuesFrom: [{ configMapKeyRef: { name: 7 } }] }, 'spec.valuesFrom[0].configMapKeyRef.name'],
  ['secretKeyRef.optional a string', { chart, valuesFrom: [{ secretKeyRef: { name: 's', optional: 'true' } }] }, 'spec.valuesFrom[0].secretKeyRef.optional'],
  ['externalSourceRef.url a list', { chart, valuesFrom: [{ externalSourceRef: { url: ['x'] } }] }, 'spec.valuesFrom[0].externalSourceRef.url'],
  ['valueFileSecrets a string', { chart, valueFileSecrets: 'old' }, 'spec.valueFileSecrets'],
  ['dependsOn[0] a string', { chart, dependsOn: ['db'] }, 'spec.dependsOn[0]'],
];

describe('specProblem: the type and range of every spec field, before anything runs', () => {
  it('accepts every field of the schema set as a real file sets it, and unknown old fields', () => {
    assert.equal(specProblem(FULL), undefined);
    assert.equal(specProblem({ chart }), undefined);
  });
  it('reads null as unset, as the Helm Operator did', () => {
    assert.equal(specProblem({ chart, values: null, valuesFrom: null, rollback: null, timeout: null }), undefined);
  });
  for (const [what, spec, field] of HOSTILE) {
    it(`refuses ${what}, naming ${field}`, () => {
      assert.equal(specProblem(spec)?.field, field);
      assert.throws(() => assertSpecShape(spec), (err: unknown) =>
        err instanceof StallingError && err.field === field && err.message.startsWith(`${field}: `) && err.reason === 'InvalidSpec');
    });
  }
  it('says what was expected and what came', () => {
    assert.deepEqual(specProblem({ chart, timeout: -1 }), { field: 'spec.timeout', problem: `must be from 1 to ${MAX_TIMEOUT_SECONDS} seconds, not -1` });
    assert.deepEqual(specProblem({ chart, wait: 'true' }), { field: 'spec.wait', problem: 'must be true or false, not a string' });
    assert.match(specProblem({ chart: { ...chart, version: 'x'.repeat(300) } })?.problem ?? '', /^is 300 characters long; at most 256 are accepted$/);
  });
});

describe('reconcileRelease of a HelmRelease with a wrong-typed field', () => {
  for (const [field, spec] of [['spec.timeout', { chart, timeout: '10m' }], ['spec.suspend', { chart, suspend: 'false' }]] as const) {
    it(`stalls naming ${field} in the status, and runs no helm`, async () => {
      const kube = new FakeKube();
      const helm = new FakeHelm(kube);
      kube.put({ apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', metadata: { namespace: 'apps', name: 'web', generation: 1, finalizers: [] },
        spec: spec as unknown as HelmReleaseSpec });
      const deps = {
        kube, helm, now: () => new Date('2026-01-01T00:00:00Z'), log: pino({ level: 'silent' }), chartCacheDir: '/nonexistent',
        security: SECURE_DEFAULTS, digestKey: Buffer.alloc(32), chartSources: { git: async () => { throw new Error('not reached'); } },
      };
      await assert.rejects(reconcileRelease({ namespace: 'apps', name: 'web' }, deps, new AbortController().signal), StallingError);
      const stalled = kube.releases.get('apps/web')?.status?.conditions?.find((c) => c.type === 'Stalled');
      assert.equal(stalled?.status, 'True');
      assert.match(stalled?.message ?? '', new RegExp(`^${field.replace('.', '\\.')}: `));
      assert.deepEqual(helm.calls, []);
    });
  }
});
