import type { ReleaseContext } from '../release-context.ts';
import type { InstallOptions } from '../runner.ts';

// The helm options install and upgrade share, from the spec as the Helm Operator read it: `wait` defaults to
// rollback.enable || test.enable, the timeout to 300 s; --replace over a release uninstalled with its history.
export function installOptions(ctx: ReleaseContext): InstallOptions {
  const spec = ctx.hr.spec;
  return {
    release: ctx.releaseName, namespace: ctx.targetNamespace, chart: ctx.chart.ref, version: ctx.chart.version,
    ...(ctx.chart.plainHttp && { plainHttp: true }),
    values: ctx.values, secrets: ctx.secrets, signal: ctx.signal, timeoutSec: spec.timeout ?? 300,
    wait: spec.wait ?? (spec.rollback?.enable === true || spec.test?.enable === true),
    skipCRDs: spec.skipCRDs, disableOpenAPIValidation: spec.disableOpenAPIValidation,
    ...(ctx.reason && { description: `Capstan: ${ctx.reason}` }), // Helm's history says why (capstan ctl history hr)
    // a history ending in `uninstalled` (helm uninstall --keep-history) keeps the name taken: helm installs over it only with --replace
    replace: ctx.history[0]?.status === 'uninstalled',
  };
}
