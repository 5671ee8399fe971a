import * as k8s from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION, type HelmRelease, type HelmReleaseStatus } from '../apis/helm.fluxcd.io/v1/helmrelease.ts';
import type { HelmRevision, KubeClient, ObjectRef } from './client.ts';
import { decodeStoredRelease, encodeStoredRelease } from './helm-storage.ts';
import { requestKind } from './request-kind.ts';
import { reuseConnections } from './shared-connections.ts';
import { metadataOnly } from './metadata-only.ts';
import { helmStorageSelector } from './helm-storage-selector.ts';

const MERGE = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

// The HTTP status of a client-node error, if it carries one.
export function statusCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

// Resolves undefined where the API server answers 404; other errors are rethrown.
export async function orUndefined<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (statusCode(err) === 404) return undefined;
    throw err;
  }
}

// Loads the kubeconfig Capstan was given: a file, else in-cluster, else the default locations. `onRequest` counts
// the API requests made through it (kube/request-kind.ts names them).
export function loadKubeConfig(path: string | undefined, onRequest?: (verb: string, resource: string) => void): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromDefault();
  return reuseConnections(kc, Date.now, onRequest && ((method, url) => {
    const { verb, resource } = requestKind(method, url);
    onRequest(verb, resource);
  }));
}

// KubeClient on @kubernetes/client-node.
export function realKubeClient(kc: k8s.KubeConfig, fieldManager = 'capstan'): KubeClient {
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  // Helm's history needs the storage Secrets' labels only, never their (up to 1 MiB each) releases.
  const metadata = metadataOnly(kc).makeApiClient(k8s.CoreV1Api);
  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  const ref = (namespace: string) => ({ group: GROUP, version: VERSION, plural: PLURAL, namespace });
  return {
    getHelmRelease: (namespace, name) =>
      orUndefined(custom.getNamespacedCustomObject({ ...ref(namespace), name }) as Promise<HelmRelease>),
    async listHelmReleases(namespace) {
      const list = (namespace
        ? await custom.listNamespacedCustomObject(ref(namespace))
        : await custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL })) as { items: HelmRelease[] };
      return list.items;
    },
    async patchHelmReleaseStatus(hr, status: Partial<HelmReleaseStatus>) {
      await orUndefined(custom.patchNamespacedCustomObjectStatus(
        { ...ref(hr.metadata.namespace), name: hr.metadata.name, body: { status }, fieldManager }, MERGE));
    },
    async setFinalizers(hr, finalizers) {
      try {
        await custom.patchNamespacedCustomObject({
          ...ref(hr.metadata.namespace), name: hr.metadata.name, fieldManager,
          body: { metadata: { finalizers, resourceVersion: hr.metadata.resourceVersion } },
        }, MERGE);
        return true;
      } catch (err) {
        if (statusCode(err) === 409 || statusCode(err) === 404) return false;
        throw err;
      }
    },
    async configMapKey(namespace, name, key) {
      return (await orUndefined(core.readNamespacedConfigMap({ namespace, name })))?.data?.[key];
    },
    async secretKey(namespace, name, key) {
      const data = (await orUndefined(core.readNamespacedSecret({ namespace, name })))?.data?.[key];
      return data === undefined ? undefined : Buffer.from(data, 'base64').toString('utf8');
    },
    async createSecret(namespace, name, data) {
      try {
        await core.createNamespacedSecret({ namespace, fieldManager, body: { metadata: { name, namespace }, type: 'Opaque', stringData: data } });
        return true;
      } catch (err) {
        if (statusCode(err) === 409) return false;
        throw err;
      }
    },
    async helmHistory(namespace, release) {
      const list = await metadata.listNamespacedSecret({ namespace, labelSelector: helmStorageSelector(release) });
      return (list.items ?? []) // null in an empty PartialObjectMetadataList
        .map((s): HelmRevision => ({ version: Number(s.metadata?.labels?.version), status: s.metadata?.labels?.status ?? 'unknown', chart: '' }))
        .filter((r) => Number.isInteger(r.version))
        .sort((a, b) => b.version - a.version);
    },
    async releaseManifest(namespace, release, version) {
      const name = `sh.helm.release.v1.${release}.v${version}`;
      const secret = await orUndefined(core.readNamespacedSecret({ namespace, name }));
      const encoded = secret?.data?.release;
      if (!encoded) return undefined;
      const manifest = decodeStoredRelease(encoded, `${namespace}/${name}`).manifest;
      return typeof manifest === 'string' ? manifest : undefined;
    },
    async markHelmRevisionFailed(namespace, release, version, description) {
      const name = `sh.helm.release.v1.${release}.v${version}`;
      const secret = await core.readNamespacedSecret({ namespace, name });
      const encoded = secret.data?.release;
      if (!encoded) throw new Error(`Helm storage Secret ${namespace}/${name} has no release`);
      const rel = decodeStoredRelease(encoded, `${namespace}/${name}`);
      rel.info = { ...rel.info, status: 'failed', description };
      const body = encodeStoredRelease(rel);
      await core.patchNamespacedSecret({
        namespace, name, fieldManager,
        body: { metadata: { labels: { status: 'failed' }, resourceVersion: secret.metadata?.resourceVersion }, data: { release: body } },
      }, MERGE);
    },
    async event(hr, type, reason, message) {
      const now = new Date();
      await core.createNamespacedEvent({
        namespace: hr.metadata.namespace,
        body: {
          metadata: { generateName: `${hr.metadata.name}.` },
          involvedObject: { apiVersion: hr.apiVersion, kind: hr.kind, name: hr.metadata.name, namespace: hr.metadata.namespace, uid: hr.metadata.uid },
          type, reason, message: message.slice(0, 1024),
          firstTimestamp: now, lastTimestamp: now, count: 1,
          source: { component: 'capstan' }, reportingComponent: 'capstan', reportingInstance: 'capstan',
        },
      });
    },
    async annotations(r: ObjectRef) {
      const got = await orUndefined(objects.read({ apiVersion: r.apiVersion, kind: r.kind, metadata: { name: r.name, namespace: r.namespace } }));
      return got ? (got.metadata?.annotations ?? {}) : undefined;
    },
    async annotate(r: ObjectRef, key, value) {
      await orUndefined(objects.patch(
        { apiVersion: r.apiVersion, kind: r.kind, metadata: { name: r.name, namespace: r.namespace, annotations: { [key]: value } } },
        undefined, undefined, fieldManager, undefined, k8s.PatchStrategy.MergePatch));
    },
  };
}
