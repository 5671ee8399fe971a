import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HelmRelease, HelmReleaseSpec } from '../../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../../src/errors/stalling-error.ts';
import { WaitingError } from '../../../src/errors/waiting-error.ts';
import { composeValues, type ValuesSources } from '../../../src/helm/values/compose.ts';
import { deepMerge } from '../../../src/helm/values/deep-merge.ts';

const hr = (spec: Partial<HelmReleaseSpec>): HelmRelease => ({
  apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease',
  metadata: { name: 'web', namespace: 'apps' },
  spec: { chart: { repository: 'http://x', name: 'c', version: '1.0.0' }, ...spec },
});

// An in-memory cluster of ConfigMaps/Secrets keyed "namespace/name/key".
function sources(data: Record<string, string>): ValuesSources {
  return {
    configMapKey: async (ns, name, key) => data[`cm:${ns}/${name}/${key}`],
    secretKey: async (ns, name, key) => data[`secret:${ns}/${name}/${key}`],
    external: async (url) => data[`url:${url}`],
    chartFile: async (path) => data[`file:${path}`],
  };
}

describe('deepMerge', () => {
  it('merges maps recursively and replaces lists and scalars', () => {
    assert.deepEqual(
      deepMerge({ a: { b: 1, c: [1, 2] }, d: 'x' }, { a: { c: [3], e: true }, d: null }),
      { a: { b: 1, c: [3], e: true }, d: null },
    );
  });
});

describe('composeValues', () => {
  it('merges valueFileSecrets, then valuesFrom in order, then spec.values on top', async () => {
    const got = await composeValues(hr({
      valueFileSecrets: [{ name: 'legacy' }],
      valuesFrom: [
        { configMapKeyRef: { name: 'base' } },
        { secretKeyRef: { name: 'creds', key: 'prod.yaml', namespace: 'shared' } },
        { chartFileRef: { path: 'values-prod.yaml' } },
      ],
      values: { image: { tag: '2.0' } },
    }), sources({
      'secret:apps/legacy/values.yaml': 'order: [legacy]\nlegacy: true\n',
      'cm:apps/base/values.yaml': 'order: [base]\nimage: {repository: r, tag: "1.0"}\n',
      'secret:shared/creds/prod.yaml': 'db: {password: hunter2-secret}\n',
      'file:values-prod.yaml': 'replicas: 3\n',
    }));
    assert.deepEqual(got.values, {
      order: ['base'], legacy: true, image: { repository: 'r', tag: '2.0' }, db: { password: 'hunter2-secret' }, replicas: 3,
    });
    assert.ok(got.secrets.includes('hunter2-secret'));
  });

  it('skips optional entries only when they are not there (object, key or URL missing)', async () => {
    const got = await composeValues(hr({
      valuesFrom: [
        { configMapKeyRef: { name: 'absent', optional: true } },
        { secretKeyRef: { name: 's', key: 'absent.yaml', optional: true } },
        { externalSourceRef: { url: 'http://values.example/gone.yaml', optional: true } },
      ],
      values: { a: 1 },
    }), { ...sources({ 'secret:apps/s/values.yaml': 'b: 2' }), external: async () => undefined });
    assert.deepEqual(got.values, { a: 1 });
  });

  it('waits, rather than skipping, an optional entry that cannot be read now (an API server hiccup would change the values)', async () => {
    const flaky: ValuesSources = { ...sources({}), configMapKey: async () => { throw new Error('etcdserver: request timed out'); } };
    await assert.rejects(
      composeValues(hr({ valuesFrom: [{ configMapKeyRef: { name: 'base', optional: true } }] }), flaky),
      (err: unknown) => err instanceof WaitingError && /spec\.valuesFrom\[0\]\.configMapKeyRef/.test(err.message) && /timed out/.test(err.message),
    );
  });

  it('stalls on an optional entry that is there but not valid YAML, naming the field', async () => {
    await assert.rejects(
      composeValues(hr({ valuesFrom: [{ configMapKeyRef: { name: 'broken', optional: true } }] }), sources({ 'cm:apps/broken/values.yaml': 'a: [unclosed' })),
      (err: unknown) => err instanceof StallingError && err.field === 'spec.valuesFrom[0].configMapKeyRef',
    );
  });

  const failures: Array<[string, Partial<HelmReleaseSpec>, Record<string, string>, string]> = [
    ['a missing ConfigMap', { valuesFrom: [{ configMapKeyRef: { name: 'absent' } }] }, {}, 'spec.valuesFrom[0].configMapKeyRef'],
    ['invalid YAML', { valuesFrom: [{ configMapKeyRef: { name: 'a' } }, { configMapKeyRef: { name: 'b' } }] },
      { 'cm:apps/a/values.yaml': 'x: 1', 'cm:apps/b/values.yaml': 'x: [' }, 'spec.valuesFrom[1].configMapKeyRef'],
    ['a YAML list instead of a map', { valuesFrom: [{ chartFileRef: { path: 'v.yaml' } }] }, { 'file:v.yaml': '- 1\n' }, 'spec.valuesFrom[0].chartFileRef.path'],
    ['a missing external source', { valuesFrom: [{ externalSourceRef: { url: 'http://127.0.0.1:1/v' } }] }, {}, 'spec.valuesFrom[0].externalSourceRef.url'],
    ['an entry naming no source', { valuesFrom: [{}] }, {}, 'spec.valuesFrom[0]'],
  ];
  for (const [what, spec, data, field] of failures) {
    it(`stalls on ${what}, naming ${field}`, async () => {
      await assert.rejects(composeValues(hr(spec), sources(data)), (err: unknown) => {
        assert.ok(err instanceof StallingError);
        assert.equal(err.field, field);
        return true;
      });
    });
  }

  it('never quotes a Secret in its error', async () => {
    await assert.rejects(
      composeValues(hr({ valuesFrom: [{ secretKeyRef: { name: 's' } }] }), sources({ 'secret:apps/s/values.yaml': 'password: [s3cr3t-value' })),
      (err: unknown) => err instanceof StallingError && !err.message.includes('s3cr3t') && /Secret apps\/s/.test(err.message),
    );
  });
});
