// The cluster as drift detection reads it (helm/drift/detect-drift.ts): Helm's storage Secret of a revision, and
// per object a GET and a server-side apply dry run. Nothing it sends changes an object.
import * as k8s from '@kubernetes/client-node';
import { asRecord } from '../records.ts';
import { apiMessage } from './api-message.ts';
import { requestJson } from './api-request.ts';
import type { GetJson } from './discovery.ts';
import { decodeStoredRelease } from './helm-storage.ts';
import { orUndefined } from './real-client.ts';
import { objectPath, resourceLookup } from './resource-lookup.ts';

// The port drift detection reads the cluster through; nothing it does changes anything.
export interface DriftProbe {
  // The rendered manifest of one revision of a release, from Helm's storage Secret (no helm run); undefined when gone.
  releaseManifest(namespace: string, release: string, version: number): Promise<string | undefined>;
  // One object of a manifest: `live` as it is in the cluster (undefined when deleted, or its kind is no longer
  // served) and `applied`, what a server-side apply of `body` would make of it (a dry run). A namespaced object
  // without a namespace is looked for in `namespace`.
  probe(body: Record<string, unknown>, namespace: string, signal?: AbortSignal): Promise<{ live?: unknown; applied?: unknown }>;
}

// The field manager of the dry runs: never Helm's or Capstan's own, so their records of who owns what are untouched
// (a dry run persists nothing anyway).
export const DRIFT_FIELD_MANAGER = 'capstan-drift';

// DriftProbe on client-node's request helpers; kinds found by discovery, each group version asked once.
export function realDriftProbe(kc: k8s.KubeConfig): DriftProbe {
  const get: GetJson = (path, query) => requestJson(kc, { method: 'GET', path, query });
  const find = resourceLookup(get);
  return {
    async releaseManifest(namespace, release, version) {
      const name = `sh.helm.release.v1.${release}.v${version}`;
      const secret = asRecord(await orUndefined(get(`/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(name)}`)));
      const encoded = asRecord(secret?.data)?.release;
      if (typeof encoded !== 'string') return undefined;
      const manifest = decodeStoredRelease(encoded, `${namespace}/${name}`).manifest;
      return typeof manifest === 'string' ? manifest : undefined;
    },
    async probe(body, namespace, signal) {
      const metadata = asRecord(body.metadata) ?? {};
      const { apiVersion, kind } = body;
      const name = metadata.name;
      if (typeof apiVersion !== 'string' || typeof kind !== 'string' || typeof name !== 'string') return {};
      const r = await find(apiVersion, kind);
      if (!r) return {}; // the kind is no longer served (its CRD deleted): the object is gone with it
      const ns = r.namespaced ? (typeof metadata.namespace === 'string' && metadata.namespace ? metadata.namespace : namespace) : undefined;
      const path = objectPath(r, name, ns);
      const live = await orUndefined(requestJson(kc, { method: 'GET', path, signal }));
      if (live === undefined) return {};
      const sent = { ...body, metadata: { ...metadata, ...(ns ? { namespace: ns } : {}) } };
      try {
        const applied = await requestJson(kc, {
          method: 'PATCH', path, body: sent, contentType: k8s.PatchStrategy.ServerSideApply, signal,
          query: { fieldManager: DRIFT_FIELD_MANAGER, force: 'true', dryRun: 'All' },
        });
        return { live, applied };
      } catch (err) {
        throw new Error(`${kind}/${name}: ${apiMessage(err)}`, { cause: err });
      }
    },
  };
}
