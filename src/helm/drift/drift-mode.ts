import type { HelmRelease } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../errors/stalling-error.ts';

// The annotation that opts a HelmRelease into drift detection, as Flux v2 names the modes.
export const DRIFT_ANNOTATION = 'helm.fluxcd.io/drift-detection';

// What a resync does about objects of the release changed or deleted in the cluster: correct them with an upgrade
// (enabled), report them only (warn), or not look at all (disabled, the default: no extra API call).
export const DriftMode = { Enabled: 'enabled', Warn: 'warn', Disabled: 'disabled' } as const;
export type DriftMode = (typeof DriftMode)[keyof typeof DriftMode];

const MODES: readonly string[] = Object.values(DriftMode);

// The drift mode of a HelmRelease: spec.driftDetection.mode when set, else the annotation, else disabled. A value
// that is no mode stalls the release naming the field (the CRD's enum guards the spec, nothing guards annotations).
export function driftModeOf(hr: Pick<HelmRelease, 'spec' | 'metadata'>): DriftMode {
  const fromSpec = hr.spec.driftDetection?.mode;
  if (fromSpec !== undefined) return asMode(fromSpec, 'spec.driftDetection.mode');
  const annotated = hr.metadata.annotations?.[DRIFT_ANNOTATION];
  if (annotated !== undefined) return asMode(annotated.trim(), `metadata.annotations["${DRIFT_ANNOTATION}"]`);
  return DriftMode.Disabled;
}

function asMode(value: unknown, field: string): DriftMode {
  if (typeof value === 'string' && MODES.includes(value)) return value as DriftMode;
  const shown = typeof value === 'string' ? `"${value.slice(0, 64)}"` : typeof value;
  throw new StallingError('InvalidDriftDetection', `${shown} is no drift detection mode; use one of ${MODES.join(', ')}`, { field });
}
