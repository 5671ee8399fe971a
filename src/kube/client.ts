import type { HelmRelease, HelmReleaseStatus } from '../apis/helm.fluxcd.io/v1/helmrelease.ts';

// One revision of a Helm release, as Helm's storage and `helm history` record it.
export interface HelmRevision { version: number; status: string; chart: string; appVersion?: string; description?: string }

// An object named in a release manifest, for the antecedent annotation and the ownership check.
export interface ObjectRef { apiVersion: string; kind: string; name: string; namespace?: string }

// The Kubernetes calls Capstan's Helm pipeline makes. The real one is in kube/real-client.ts; tests use fakes.
export interface KubeClient {
  getHelmRelease(namespace: string, name: string): Promise<HelmRelease | undefined>;
  listHelmReleases(namespace?: string): Promise<HelmRelease[]>;
  // Merge-patches /status; a 404 (deleted meanwhile) is ignored.
  patchHelmReleaseStatus(hr: HelmRelease, status: Partial<HelmReleaseStatus>): Promise<void>;
  // Replaces metadata.finalizers, guarded by resourceVersion; resolves false on a conflict or 404.
  setFinalizers(hr: HelmRelease, finalizers: string[]): Promise<boolean>;
  configMapKey(namespace: string, name: string, key: string): Promise<string | undefined>;
  secretKey(namespace: string, name: string, key: string): Promise<string | undefined>;
  // Creates a Secret with these string values; resolves false when one of that name already exists.
  createSecret(namespace: string, name: string, data: Record<string, string>): Promise<boolean>;
  // Helm's storage (the release Secrets), read through the API: newest first. No helm process runs.
  helmHistory(namespace: string, release: string): Promise<HelmRevision[]>;
  // Rewrites one revision in Helm's storage as `failed` (status label and the encoded release), the way Flux's
  // unlock does, so a pending-* left by a dead process no longer blocks helm.
  markHelmRevisionFailed(namespace: string, release: string, version: number, description: string): Promise<void>;
  // The manifest Helm stored for one revision (its storage Secret, decoded), as `helm get manifest` prints it;
  // undefined when that revision is not stored. No helm process runs.
  releaseManifest(namespace: string, release: string, version: number): Promise<string | undefined>;
  event(hr: HelmRelease, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void>;
  annotations(ref: ObjectRef): Promise<Record<string, string> | undefined>;
  annotate(ref: ObjectRef, key: string, value: string): Promise<void>;
}
