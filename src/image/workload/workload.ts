// Which images a manifest's workload runs, read from Git the way fluxd read workloads
// (flux:pkg/cluster/kubernetes/resource/*.go).
import { asRecord } from '../../records.ts';
import { type Manifest, metadataStrings, resourceId } from '../../manifests/manifest.ts';
import { helmReleaseImages } from './helm-images.ts';

// One image a workload runs, under the name fluxd gave its "container".
export interface ContainerImage {
  // The container name; for a HelmRelease `chart-image` for the top level of spec.values, else the top-level key
  // or the mapping alias.
  name: string;
  // The full image reference as the workload runs it (for a HelmRelease composed from its parts).
  image: string;
  // HelmRelease only: where each part lives, as dot paths relative to spec.values. `image` holds a name (with the
  // tag unless `tag` is given, with the registry unless `registry` is); `repository` the same for `image: {...}`
  // values and annotation mappings.
  paths?: { image?: string; registry?: string; repository?: string; tag?: string };
}

// A workload as image automation sees it.
export interface Workload {
  // fluxd's `namespace:kind/name`, kind lower-cased.
  id: string;
  kind: string;
  namespace: string;
  name: string;
  annotations: Record<string, string>;
  containers: ContainerImage[];
  // Pod-level `imagePullSecrets` names (registry credentials); none for a HelmRelease.
  imagePullSecrets: string[];
  serviceAccountName?: string;
}

// The HelmRelease API whose values carry images.
export const HELM_RELEASE_API_VERSION = 'helm.fluxcd.io/v1';

const POD_SPEC_PATHS: Record<string, { groups: readonly string[]; path: readonly string[] }> = {
  Deployment: { groups: ['apps', 'extensions'], path: ['spec', 'template', 'spec'] },
  StatefulSet: { groups: ['apps'], path: ['spec', 'template', 'spec'] },
  DaemonSet: { groups: ['apps', 'extensions'], path: ['spec', 'template', 'spec'] },
  CronJob: { groups: ['batch'], path: ['spec', 'jobTemplate', 'spec', 'template', 'spec'] },
};

// Where a workload kind keeps its pod spec (any version of its API group), or undefined when the object is no
// pod-template workload.
export function podSpecPath(kind: string, apiVersion: string): readonly string[] | undefined {
  const entry = POD_SPEC_PATHS[kind];
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return entry?.groups.includes(group) ? entry.path : undefined;
}

// Whether the object is a Helm Operator HelmRelease, whose images are read from its values.
export function isHelmRelease(kind: string, apiVersion: string): boolean {
  return kind === 'HelmRelease' && apiVersion === HELM_RELEASE_API_VERSION;
}

// The workload a manifest defines, or undefined for kinds that run no images (and for kinds fluxd did not
// automate). Containers are listed as fluxd listed them: `containers`, then `initContainers`.
export function workloadOf(m: Manifest): Workload | undefined {
  const annotations = metadataStrings(m.body, 'annotations');
  const base = { id: resourceId(m), kind: m.kind, namespace: m.namespace ?? '', name: m.name, annotations };
  if (isHelmRelease(m.kind, m.apiVersion)) {
    const values = asRecord(asRecord(m.body.spec)?.values) ?? {};
    return { ...base, containers: helmReleaseImages(annotations, values), imagePullSecrets: [] };
  }
  const path = podSpecPath(m.kind, m.apiVersion);
  if (!path) return undefined;
  const podSpec = path.reduce<Record<string, unknown> | undefined>((node, key) => asRecord(node?.[key]), m.body) ?? {};
  const containers = [...containersOf(podSpec.containers), ...containersOf(podSpec.initContainers)];
  const imagePullSecrets = (Array.isArray(podSpec.imagePullSecrets) ? podSpec.imagePullSecrets : [])
    .map((ref) => asRecord(ref)?.name)
    .filter((name): name is string => typeof name === 'string' && name !== '');
  const account = podSpec.serviceAccountName ?? podSpec.serviceAccount;
  return { ...base, containers, imagePullSecrets, ...(typeof account === 'string' && account !== '' ? { serviceAccountName: account } : {}) };
}

// The named containers of a pod-spec list that give an image.
function containersOf(list: unknown): ContainerImage[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item) => {
    const c = asRecord(item);
    return typeof c?.name === 'string' && typeof c.image === 'string' ? [{ name: c.name, image: c.image }] : [];
  });
}
