// The JSON shapes fluxd 1.25 answered and fluxctl 1.25.4 decodes (flux pkg/api/v6, pkg/image, pkg/cluster), with
// Go's field names. Go's empty slices and maps are `null`; times are RFC 3339 strings, left out when unknown.

// image.Info: one image (ref with tag) and what the registry said of it.
export interface ImageInfo {
  ID: string;
  Digest?: string;
  CreatedAt?: string;
  LastFetched?: string;
}

// cluster.RolloutStatus: replicas of a pod-template workload (zeros for CronJobs and HelmReleases).
export interface RolloutStatus {
  Desired: number;
  Updated: number;
  Ready: number;
  Available: number;
  Outdated: number;
  Messages: string[] | null;
}

// v6.Container: a workload's container; the image fields only in /v10/images answers (each omitted when empty).
export interface FluxContainer {
  Name?: string;
  Current?: ImageInfo;
  LatestFiltered?: ImageInfo;
  Available?: ImageInfo[] | null;
  AvailableError?: string;
  AvailableImagesCount?: number;
  NewAvailableImagesCount?: number;
  FilteredImagesCount?: number;
  NewFilteredImagesCount?: number;
}

// v6.ReadOnlyReason: why a workload cannot be changed through Git ("" when it can).
export const ReadOnlyReason = { ok: '', missing: 'NotInRepo', system: 'System', noRepo: 'NoRepo', notReady: 'NotReady', readOnlyMode: 'ReadOnlyMode' } as const;
export type ReadOnlyReason = (typeof ReadOnlyReason)[keyof typeof ReadOnlyReason];

// v6.ControllerStatus: one workload as `fluxctl list-workloads` shows it.
export interface ControllerStatus {
  ID: string;
  Containers: FluxContainer[] | null;
  ReadOnly: ReadOnlyReason;
  Status: string;
  Rollout: RolloutStatus;
  SyncError: string;
  Antecedent: string;
  Labels: Record<string, string> | null;
  Automated: boolean;
  Locked: boolean;
  Ignore: boolean;
  Policies: Record<string, string> | null;
}

// v6.ImageStatus: one workload's containers as `fluxctl list-images` shows them.
export interface ImageStatus {
  ID: string;
  Containers: FluxContainer[] | null;
}

// git.GitRepoStatus: how far fluxd got with the repository.
export const GitRepoStatus = { unconfigured: 'unconfigured', new: 'new', cloned: 'cloned', ready: 'ready', unreachable: 'unreachable' } as const;
export type GitRepoStatus = (typeof GitRepoStatus)[keyof typeof GitRepoStatus];

// v6.GitConfig: what `fluxctl identity` and `fluxctl sync` read.
export interface GitConfig {
  remote: { url: string; branch: string; path: string };
  publicSSHKey: { key: string; fingerprints: Record<string, { hash: string; randomart: string }> | null };
  status: GitRepoStatus;
  errors: string;
}
