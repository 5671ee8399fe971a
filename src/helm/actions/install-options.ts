import type { ReleaseContext } from '../release-context.ts';
import type { InstallOptions } from '../runner.ts';

// The helm options install and upgrade share, from the spec as the Helm Operator read it: `wait` defaults to
// rollback.enable || test.enable, the timeout to 300 s.
export function installOptions(ctx: ReleaseContext): InstallOptions {
  const spec = ctx.hr.spec;
  return {
    release: ctx.releaseName, namespace: ctx.targetNamespace, chart: ctx.chart.ref, version: ctx.chart.version,
    values: ctx.values, secrets: ctx.secrets, signal: ctx.signal, timeoutSec: spec.timeout ?? 300,
    wait: spec.wait ?? (spec.rollback?.enable === true || spec.test?.enable === true),
    skipCRDs: spec.skipCRDs, disableOpenAPIValidation: spec.disableOpenAPIValidation,
  };
}
