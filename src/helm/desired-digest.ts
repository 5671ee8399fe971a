import { createHash } from 'node:crypto';
import type { HelmReleaseSpec } from '../api/helmrelease.ts';
import { canonicalJson } from '../canonical-json.ts';

// The spec fields that change what helm does to the cluster (timeouts and test/rollback policy do not).
function releaseOptions(spec: HelmReleaseSpec, releaseName: string, targetNamespace: string): Record<string, unknown> {
  return {
    releaseName, targetNamespace,
    skipCRDs: spec.skipCRDs ?? false,
    forceUpgrade: spec.forceUpgrade ?? false,
    resetValues: spec.resetValues ?? true,
    disableOpenAPIValidation: spec.disableOpenAPIValidation ?? false,
  };
}

// The digest of a release's desired inputs: chart digest + merged values + options. A release whose last
// successful attempt recorded this digest needs no helm call at all.
export function desiredDigest(input: {
  chartDigest: string; values: Record<string, unknown>; spec: HelmReleaseSpec; releaseName: string; targetNamespace: string;
}): string {
  const text = canonicalJson({
    chart: input.chartDigest,
    values: input.values,
    options: releaseOptions(input.spec, input.releaseName, input.targetNamespace),
  });
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}
