import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HelmReleaseSpec } from '../../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../../src/errors/stalling-error.ts';
import { DRIFT_ANNOTATION, driftModeOf } from '../../../src/helm/drift/drift-mode.ts';

const hr = (annotation?: string, mode?: unknown) => ({
  metadata: { name: 'web', namespace: 'apps', ...(annotation === undefined ? {} : { annotations: { [DRIFT_ANNOTATION]: annotation } }) },
  spec: { chart: {}, ...(mode === undefined ? {} : { driftDetection: { mode } }) } as HelmReleaseSpec,
});

describe('driftModeOf', () => {
  // [case, annotation, spec.driftDetection.mode, expected mode]
  const table: Array<[string, string | undefined, string | undefined, string]> = [
    ['neither set: disabled', undefined, undefined, 'disabled'],
    ['annotation enabled', 'enabled', undefined, 'enabled'],
    ['annotation warn', 'warn', undefined, 'warn'],
    ['annotation disabled', 'disabled', undefined, 'disabled'],
    ['annotation with spaces around it', ' warn ', undefined, 'warn'],
    ['spec only', undefined, 'enabled', 'enabled'],
    ['spec wins over the annotation', 'enabled', 'disabled', 'disabled'],
  ];
  for (const [name, annotation, mode, expected] of table) {
    it(`${name} → ${expected}`, () => assert.equal(driftModeOf(hr(annotation, mode)), expected));
  }

  it('stalls on an annotation that is no mode, naming the annotation', () => {
    assert.throws(() => driftModeOf(hr('on')), (err: unknown) => {
      assert.ok(err instanceof StallingError);
      assert.equal(err.reason, 'InvalidDriftDetection');
      assert.equal(err.field, `metadata.annotations["${DRIFT_ANNOTATION}"]`);
      assert.match(err.message, /"on" is no drift detection mode; use one of enabled, warn, disabled/);
      return true;
    });
  });

  it('stalls on a spec mode that is no mode (a cluster without the CRD enum), naming the field', () => {
    assert.throws(() => driftModeOf(hr(undefined, 'Enabled')), (err: unknown) => err instanceof StallingError && err.field === 'spec.driftDetection.mode');
    assert.throws(() => driftModeOf(hr(undefined, 3)), (err: unknown) => err instanceof StallingError && /number is no drift detection mode/.test(err.message));
  });
});
