// The cluster as Git sync uses it (SyncCluster), on client-node's public request helpers.
import * as k8s from '@kubernetes/client-node';
import { mapLimit } from '../map-limit.ts';
import { asRecord } from '../records.ts';
import type { LiveRef, SyncCluster } from '../sync/cluster.ts';
import { apiMessage } from './api-message.ts';
import { METADATA_LIST_ACCEPT } from './metadata-only.ts';
import { requestJson } from './api-request.ts';
import { dispatchJson } from './dispatch-json.ts';
import { cachedDiscovery, discoverListable, type GetJson, type OnSkipped, type ServedResource } from './discovery.ts';
import { listKind, liveRef } from './list-labelled.ts';
import { orUndefined } from './real-client.ts';
import { apiVersionPath, collectionPath, type FindResource, objectPath, resourceLookup } from './resource-lookup.ts';
import { waitEstablished } from './wait-established.ts';

// Options of realSyncCluster; each may be left out.
export interface SyncClusterOptions {
  // The field manager of server-side apply. Default: 'capstan'.
  fieldManager?: string;
  // Told of each group version or kind listLabelled left out because the API server failed to serve it (an
  // aggregated API that is down, a kind Capstan may not list). Its objects are then not garbage collected, which
  // is safe: garbage collection only deletes what it sees. Default: left out silently.
  onSkipped?: OnSkipped;
}

// How long listLabelled reuses API discovery (waitEstablished drops it at once).
export const DISCOVERY_TTL_MS = 60_000;

// An object's address in a live reference or a body.
type ObjectAddress = { apiVersion: string; kind: string; name: string; namespace?: string };

// The real SyncCluster, plus `read` of one live object (what listLabelled would say of it; undefined when it, or its
// kind, does not exist).
export interface RealSyncCluster extends SyncCluster {
  read(ref: ObjectAddress): Promise<LiveRef | undefined>;
}

// SyncCluster on client-node: server-side apply of the body exactly as Git wrote it (client-node's own patch()
// re-serialises built-in kinds through its models, silently dropping what they do not model, such as a typo like
// `spec.replcas` or a CRD schema's `x-kubernetes-*` keys, so the API server could neither apply nor refuse it),
// reads and deletes at the URL discovery gives each kind, and listing by label through discovery (kept
// DISCOVERY_TTL_MS) and a paged GET of every listable kind.
export function realSyncCluster(kc: k8s.KubeConfig, opts: SyncClusterOptions = {}): RealSyncCluster {
  const fieldManager = opts.fieldManager ?? 'capstan';
  const get: GetJson = (path, query) => requestJson(kc, { method: 'GET', path, query });
  // lists by label ask for metadata only (no spec or data to send, parse and keep), whole objects as a fallback
  const listKc = metadataListing(kc);
  const listGet: GetJson = (path, query) => dispatchJson(listKc, { method: 'GET', path, query });
  const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
  const discovery = cachedDiscovery(() => discoverListable(get, opts.onSkipped), DISCOVERY_TTL_MS);
  const defaultNamespace = kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
  // Replaced once a CRD is Established: a CRD re-created with another scope or plural has moved.
  let find: FindResource = resourceLookup(get);
  const located = async (ref: ObjectAddress): Promise<{ r: ServedResource; path: string } | undefined> => {
    const r = await find(ref.apiVersion, ref.kind);
    return r && { r, path: objectPath(r, ref.name, ref.namespace ?? defaultNamespace) };
  };
  return {
    async apply(body, signal) {
      const ref = addressOf(body);
      try {
        const at = await located(ref);
        if (!at) throw new Error(`the API server serves no kind ${ref.kind} in ${ref.apiVersion}`);
        if (!ref.name) throw new Error('metadata.name is not set');
        const query = { fieldManager, force: 'true' };
        await dispatchJson(kc, { method: 'PATCH', path: at.path, query, body, contentType: k8s.PatchStrategy.ServerSideApply, signal });
      } catch (err) {
        throw new Error(`${ref.kind}/${ref.name || '?'}: ${apiMessage(err)}`, { cause: err });
      }
    },
    async waitEstablished(crdName, timeoutMs) {
      await waitEstablished({
        readCrd: (name) => orUndefined(ext.readCustomResourceDefinition({ name })),
        freshLookup: () => {
          find = resourceLookup(get);
          discovery.drop();
          return find;
        },
      }, crdName, timeoutMs);
    },
    async read(ref) {
      const at = await located(ref);
      const live = at && asRecord(await orUndefined(get(at.path)));
      return live && liveRef(live, at.r)?.ref;
    },
    async listLabelled(label, namespaces) {
      const kinds = await discovery.get();
      const targets = namespaces
        ? kinds.filter((r) => r.namespaced).flatMap((r) => namespaces.map((ns) => ({ r, path: `${apiVersionPath(r.apiVersion)}/namespaces/${encodeURIComponent(ns)}/${r.plural}` })))
        : kinds.map((r) => ({ r, path: collectionPath(r) }));
      const lists = await mapLimit(targets, 8, async ({ r, path }) => {
        try {
          return await listKind(listGet, r, label, path);
        } catch (err) {
          opts.onSkipped?.(path, err);
          return [];
        }
      });
      // A kind served by two groups (Event: v1 and events.k8s.io) lists the same objects twice.
      return [...new Map(lists.flat().map((o) => [o.uid, o.ref])).values()];
    },
    async servedKinds() {
      return (await discovery.get()).map((r) => ({ apiVersion: r.apiVersion, kind: r.kind, namespaced: r.namespaced }));
    },
    async delete(ref) {
      const at = await located(ref);
      if (at) await orUndefined(requestJson(kc, { method: 'DELETE', path: at.path, query: { propagationPolicy: 'Background' } }));
    },
  };
}

// A view of `kc` whose requests ask for a PartialObjectMetadataList, or plain JSON where that is not served.
function metadataListing(kc: k8s.KubeConfig): k8s.KubeConfig {
  const view = Object.create(kc) as k8s.KubeConfig;
  view.applySecurityAuthentication = async (context) => {
    await kc.applySecurityAuthentication(context);
    context.setHeaderParam('Accept', `${METADATA_LIST_ACCEPT},application/json`);
  };
  return view;
}

// An object's address, taken from a body.
function addressOf(body: Record<string, unknown>): ObjectAddress {
  const meta = asRecord(body.metadata);
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  return { apiVersion: str(body.apiVersion) ?? '', kind: str(body.kind) ?? '', name: str(meta?.name) ?? '', namespace: str(meta?.namespace) };
}
