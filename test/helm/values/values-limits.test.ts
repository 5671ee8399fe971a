import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HelmRelease, HelmReleaseSpec } from '../../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../../src/errors/stalling-error.ts';
import { composeValues, type ValuesSources } from '../../../src/helm/values/compose.ts';
import { MAX_VALUES_BYTES } from '../../../src/helm/values/values-size.ts';
import { billionLaughs } from '../../yaml/bombs.ts';

const hr = (spec: Partial<HelmReleaseSpec>): HelmRelease => ({
  apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease',
  metadata: { name: 'web', namespace: 'apps' },
  spec: { chart: { repository: 'http://x', name: 'c', version: '1.0.0' }, ...spec },
});

function sources(data: Record<string, string>): ValuesSources {
  return {
    configMapKey: async (ns, name, key) => data[`cm:${ns}/${name}/${key}`],
    secretKey: async (ns, name, key) => data[`secret:${ns}/${name}/${key}`],
    external: async (url) => data[`url:${url}`] ?? Promise.reject(new Error('unreachable')),
    chartFile: async (path) => data[`file:${path}`],
  };
}

const stalled = (field: string, message: RegExp) => (err: unknown): boolean => {
  assert.ok(err instanceof StallingError, String(err));
  assert.equal(err.field, field);
  assert.match(err.message, message);
  return true;
};

describe('composeValues: YAML bombs and size', () => {
  it('refuses the 432-byte billion laughs in a valuesFrom ConfigMap, naming the field and the ConfigMap', async () => {
    const heap = process.memoryUsage().heapUsed;
    await assert.rejects(
      composeValues(hr({ valuesFrom: [{ configMapKeyRef: { name: 'base' } }] }), sources({ 'cm:apps/base/values.yaml': billionLaughs() })),
      stalled('spec.valuesFrom[0].configMapKeyRef',
        /^spec\.valuesFrom\[0\]\.configMapKeyRef: ConfigMap apps\/base key values\.yaml: too many aliases: expanded, the YAML is larger than 4 MiB as JSON/),
    );
    assert.ok(process.memoryUsage().heapUsed - heap < 64 * 1024 * 1024, 'the heap stayed small');
  });

  it('says why a bomb in a Secret is refused without quoting the Secret', async () => {
    const bomb = billionLaughs().replaceAll('lolol', 's3cr3t');
    await assert.rejects(
      composeValues(hr({ valuesFrom: [{ secretKeyRef: { name: 'creds', key: 'v.yaml' } }] }), sources({ 'secret:apps/creds/v.yaml': bomb })),
      (err: unknown) => stalled('spec.valuesFrom[0].secretKeyRef', /Secret apps\/creds key v\.yaml: too many aliases/)(err)
        && !(err as Error).message.includes('s3cr3t'),
    );
  });

  it('reads values as helm does: `on` is true, `0644` is 420, `1:20` a string, key `n` is "false"', async () => {
    const got = await composeValues(hr({ valuesFrom: [{ configMapKeyRef: { name: 'v' } }] }),
      sources({ 'cm:apps/v/values.yaml': 'enabled: on\nmode: 0644\nport: 1:20\ncount: 1e3\nn: x\n' }));
    assert.deepEqual(got.values, { enabled: true, mode: 420, port: '1:20', count: 1000, false: 'x' });
  });

  it('keeps a `__proto__` key as a value, from YAML and through the merge', async () => {
    const got = await composeValues(hr({ valuesFrom: [{ configMapKeyRef: { name: 'a' } }, { configMapKeyRef: { name: 'b' } }] }),
      sources({ 'cm:apps/a/values.yaml': '__proto__: {x: 1}\n', 'cm:apps/b/values.yaml': '__proto__: {z: 2}\n' }));
    assert.equal(JSON.stringify(got.values), '{"__proto__":{"x":1,"z":2}}');
    assert.equal(Object.getPrototypeOf(got.values), Object.prototype);
  });

  const big = (bytes: number): string => `blob${bytes}: "${'x'.repeat(bytes)}"\n`;
  it(`refuses composed values over 4 MiB, naming the source that made them grow past it`, async () => {
    const half = Math.floor(MAX_VALUES_BYTES / 2) + 10;
    await assert.rejects(composeValues(hr({
      valuesFrom: [{ configMapKeyRef: { name: 'a' } }, { configMapKeyRef: { name: 'b' } }, { configMapKeyRef: { name: 'c' } }],
    }), sources({ 'cm:apps/a/values.yaml': 'x: 1\n', 'cm:apps/b/values.yaml': big(half), 'cm:apps/c/values.yaml': big(half + 1) })),
    stalled('spec.valuesFrom[2].configMapKeyRef', /the values are larger than 4 MiB as JSON/));
    await assert.rejects(composeValues(hr({
      valuesFrom: [{ configMapKeyRef: { name: 'b' } }], values: { more: 'y'.repeat(half) },
    }), sources({ 'cm:apps/b/values.yaml': big(half) })), stalled('spec.values', /the values are larger than 4 MiB as JSON/));
  });

  it('accepts values just under 4 MiB', async () => {
    const got = await composeValues(hr({ valuesFrom: [{ configMapKeyRef: { name: 'b' } }] }),
      sources({ 'cm:apps/b/values.yaml': `b: "${'x'.repeat(MAX_VALUES_BYTES - 100)}"\n` }));
    assert.equal((got.values.b as string).length, MAX_VALUES_BYTES - 100);
  });
});
