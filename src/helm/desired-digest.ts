import { createHash, createHmac } from 'node:crypto';
import type { HelmReleaseSpec } from '../apis/helm.fluxcd.io/v1/helmrelease.ts';
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

// What the digest covers: the chart's digest, the merged values (secrets included) and the release options.
export interface DigestInputs {
  chartDigest: string; values: Record<string, unknown>; spec: HelmReleaseSpec; releaseName: string; targetNamespace: string;
}

function canonicalInputs(input: DigestInputs): string {
  return canonicalJson({
    chart: input.chartDigest,
    values: input.values,
    options: releaseOptions(input.spec, input.releaseName, input.targetNamespace),
  });
}

// The digest of a release's desired inputs, recorded in status.lastAppliedDigest: a release whose last
// successful attempt recorded this digest needs no helm call at all. An HMAC keyed per installation
// (helm/digest-key.ts), so whoever reads the status cannot test guesses of the secret values in it.
export function desiredDigest(input: DigestInputs, key: Buffer): string {
  return `hmac-sha256:${createHmac('sha256', key).update(canonicalInputs(input)).digest('hex')}`;
}

// The plain digest Capstan recorded before the HMAC, only to adopt those releases without an upgrade
// (helm/legacy-digest.ts); never written.
export function legacyDigest(input: DigestInputs): string {
  return `sha256:${createHash('sha256').update(canonicalInputs(input)).digest('hex')}`;
}
