// The HelmRelease resource, `helm.fluxcd.io/v1`: the Helm Operator's whole schema, read as old files have it,
// plus optional Capstan additions an old file never sets (marked "Capstan:").

export const GROUP = 'helm.fluxcd.io';
export const VERSION = 'v1';
export const PLURAL = 'helmreleases';
export const KIND = 'HelmRelease';
// Keeps the release until Capstan has uninstalled it, even when the HelmRelease is deleted while Capstan is down.
export const FINALIZER = 'helm.fluxcd.io/finalizer';
// Written on every object of a release: `<namespace>:helmrelease/<name>` of the HelmRelease that owns it.
export const ANTECEDENT_ANNOTATION = 'helm.fluxcd.io/antecedent';

export interface ObjectReference { name: string; namespace?: string }

export interface ChartSpec {
  // Helm repository source: all three set. Capstan: `version` may be a semver range, `repository` may be oci://…
  repository?: string;
  name?: string;
  version?: string;
  chartPullSecret?: { name: string };
  // Git source: `git` and `path` set.
  git?: string;
  ref?: string;
  path?: string;
  secretRef?: ObjectReference;
  skipDepUpdate?: boolean;
}

export interface KeyRef { name: string; namespace?: string; key?: string; optional?: boolean }
export interface ValuesFromSource {
  configMapKeyRef?: KeyRef;
  secretKeyRef?: KeyRef;
  externalSourceRef?: { url: string; optional?: boolean };
  chartFileRef?: { path: string; optional?: boolean };
}

export interface RollbackSpec {
  enable?: boolean;
  retry?: boolean;
  maxRetries?: number;
  timeout?: number;
  wait?: boolean;
  disableHooks?: boolean;
  recreate?: boolean;
  force?: boolean;
}

export interface TestSpec { enable?: boolean; ignoreFailures?: boolean; timeout?: number; cleanup?: boolean }

export interface HelmReleaseSpec {
  helmVersion?: string;
  chart: ChartSpec;
  releaseName?: string;
  targetNamespace?: string;
  timeout?: number;
  resetValues?: boolean;
  skipCRDs?: boolean;
  wait?: boolean;
  forceUpgrade?: boolean;
  maxHistory?: number;
  valueFileSecrets?: Array<{ name: string }>;
  valuesFrom?: ValuesFromSource[];
  values?: Record<string, unknown>;
  rollback?: RollbackSpec;
  test?: TestSpec;
  disableOpenAPIValidation?: boolean;
  // Capstan: install only after these HelmReleases are Ready.
  dependsOn?: ObjectReference[];
  // Capstan: leave the release alone while true.
  suspend?: boolean;
  // Capstan: what a resync does about objects of the release changed or deleted in the cluster (helm/drift/);
  // overrides the helm.fluxcd.io/drift-detection annotation. Default disabled.
  driftDetection?: { mode?: 'enabled' | 'warn' | 'disabled' };
}

export const ConditionType = {
  ChartFetched: 'ChartFetched',
  Deployed: 'Deployed',
  Released: 'Released',
  RolledBack: 'RolledBack',
  Tested: 'Tested',
  Ready: 'Ready', // Capstan: for `kubectl wait --for=condition=Ready`
  Stalled: 'Stalled', // Capstan: a person must act
  Drifted: 'Drifted', // Capstan: objects of the release differ from its manifest in the cluster (drift detection)
} as const;
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];

export interface Condition {
  type: ConditionType;
  status: 'True' | 'False' | 'Unknown';
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

// The Helm Operator's phases; the reason of each condition it sets is the phase name.
export const Phase = {
  ChartFetched: 'ChartFetched',
  ChartFetchFailed: 'ChartFetchFailed',
  Installing: 'Installing',
  Upgrading: 'Upgrading',
  Deployed: 'Deployed',
  DeployFailed: 'DeployFailed',
  Testing: 'Testing',
  TestFailed: 'TestFailed',
  Tested: 'Tested',
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  RollingBack: 'RollingBack',
  RolledBack: 'RolledBack',
  RollbackFailed: 'RollbackFailed',
} as const;
export type Phase = (typeof Phase)[keyof typeof Phase];

export interface HelmReleaseStatus {
  observedGeneration?: number;
  phase?: Phase;
  releaseName?: string;
  releaseStatus?: string;
  revision?: string; // chart version or Git SHA successfully released
  lastAttemptedRevision?: string;
  rollbackCount?: number;
  conditions?: Condition[];
  // Capstan: digest of the desired inputs (chart digest + merged values + options) of the last good release,
  // and the Helm revision number it produced; a release whose digest and revision match is not touched.
  lastAppliedDigest?: string;
  lastReleaseVersion?: number;
  // Capstan: failed attempts at the current desired inputs (retry budget), and their digest.
  failures?: number;
  lastAttemptedDigest?: string;
  // Capstan: the last helm action, its start and end (ISO times) and whether it succeeded.
  lastAction?: LastAction;
  // Capstan: the reconcile.fluxcd.io/requestedAt value last handled (capstan ctl reconcile hr waits for it).
  lastHandledReconcileAt?: string;
}

// Capstan: one action run on a release (install, upgrade, test, rollback, uninstall, unlock, adopt).
export interface LastAction { action: string; startedAt: string; finishedAt?: string; succeeded?: boolean }

export interface HelmRelease {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    generation?: number;
    uid?: string;
    resourceVersion?: string;
    deletionTimestamp?: string;
    finalizers?: string[];
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
  };
  spec: HelmReleaseSpec;
  status?: HelmReleaseStatus;
}

// `namespace/name`: the queue's job id and the release's lock key.
export function releaseKey(hr: { metadata: { namespace: string; name: string } }): string {
  return `${hr.metadata.namespace}/${hr.metadata.name}`;
}

// The Helm release name as the Helm Operator derived it: spec.releaseName, else `<targetNs>-<name>`, or
// `<ns>-<targetNs>-<name>` when the target namespace differs from the HelmRelease's.
export function releaseNameOf(hr: HelmRelease): string {
  if (hr.spec.releaseName) return hr.spec.releaseName;
  const target = hr.spec.targetNamespace ?? hr.metadata.namespace;
  return target === hr.metadata.namespace ? `${target}-${hr.metadata.name}` : `${hr.metadata.namespace}-${target}-${hr.metadata.name}`;
}

export function targetNamespaceOf(hr: HelmRelease): string {
  return hr.spec.targetNamespace ?? hr.metadata.namespace;
}
