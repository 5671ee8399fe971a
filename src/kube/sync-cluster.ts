// The cluster as Git sync uses it (SyncCluster), on @kubernetes/client-node.
import { setTimeout as sleep } from 'node:timers/promises';
import * as k8s from '@kubernetes/client-node';
import { CHECKSUM_ANNOTATION } from '../sync/checksum.ts';
import type { LiveRef, SyncCluster } from '../sync/cluster.ts';
import { asRecord } from '../records.ts';
import { metadataStrings, resourceId } from '../manifests/manifest.ts';
import { mapLimit } from '../map-limit.ts';
import { cachedDiscovery, discoverListable, type GetJson, getJson, type OnSkipped, type ServedResource } from './discovery.ts';
import { orUndefined, statusCode } from './real-client.ts';

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

// KubernetesObjectApi with a server-side apply that sends the body as it is. Its own patch() re-serialises
// built-in kinds through client-node's models first, which silently drops what they do not model (a typo such as
// `spec.replcas`, fields newer than the client, every `x-kubernetes-*` key of a CRD schema) and empties invalid
// values (`data: 5` is sent as no data), so the API server could neither apply nor refuse what Git says.
class SyncObjectApi extends k8s.KubernetesObjectApi {
  // A client with a discovery cache of its own (KubernetesObjectApi.makeApiClient, for this class).
  static forConfig(kc: k8s.KubeConfig): SyncObjectApi {
    const api = kc.makeApiClient(SyncObjectApi);
    api.setDefaultNamespace(kc);
    return api;
  }

  // Server-side apply of `body`, forced, as `fieldManager`.
  async applyJson(body: Record<string, unknown>, fieldManager: string, signal?: AbortSignal): Promise<void> {
    const header = headerOf(body);
    if (!(await this.serves(header.apiVersion, header.kind))) {
      throw new Error(`the API server serves no kind ${header.kind} in ${header.apiVersion}`);
    }
    const path = await this.specUriPath(header, 'patch');
    const ctx = this.configuration.baseServer.makeRequestContext(path, k8s.HttpMethod.PATCH);
    ctx.setHeaderParam('Accept', 'application/json');
    ctx.setHeaderParam('Content-Type', k8s.PatchStrategy.ServerSideApply);
    ctx.setQueryParam('fieldManager', fieldManager);
    ctx.setQueryParam('force', 'true');
    ctx.setBody(JSON.stringify(body));
    if (signal) ctx.setSignal(signal);
    await this.requestPromise(ctx);
  }

  // Whether the API server serves `kind` in `apiVersion`. Looked up in this client's discovery cache, which
  // client-node keeps per group version forever (refetched only when a kind is missing from it).
  async serves(apiVersion: string, kind: string): Promise<boolean> {
    try {
      return (await this.resource(apiVersion, kind)) !== undefined;
    } catch (err) {
      if (statusCode(err) === 404) return false;
      throw err;
    }
  }
}

// SyncCluster on client-node: server-side apply, reads and deletes through KubernetesObjectApi, listing by label
// through discovery (kept DISCOVERY_TTL_MS) and a paged GET of every listable kind.
export function realSyncCluster(kc: k8s.KubeConfig, opts: SyncClusterOptions = {}): SyncCluster {
  const fieldManager = opts.fieldManager ?? 'capstan';
  const get: GetJson = (path, query) => getJson(kc, path, query);
  const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
  const discovery = cachedDiscovery(() => discoverListable(get, opts.onSkipped), DISCOVERY_TTL_MS);
  // Replaced once a CRD is Established: client-node never forgets a kind it has looked up, so a CRD re-created
  // with another scope or plural would otherwise be addressed at its old URL.
  let objects = SyncObjectApi.forConfig(kc);
  return {
    async apply(body, signal) {
      try {
        await objects.applyJson(body, fieldManager, signal);
      } catch (err) {
        const header = headerOf(body);
        throw new Error(`${header.kind}/${header.metadata.name ?? '?'}: ${apiMessage(err)}`, { cause: err });
      }
    },
    async waitEstablished(crdName, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let last: k8s.V1CustomResourceDefinition | undefined;
      const crd = await pollUntil(deadline, async () => {
        last = await orUndefined(ext.readCustomResourceDefinition({ name: crdName }));
        return last && condition(last, 'Established')?.status === 'True' ? last : undefined;
      });
      if (!crd) throw new Error(`CustomResourceDefinition ${crdName} is not Established after ${timeoutMs} ms${notEstablishedWhy(last)}`);
      objects = SyncObjectApi.forConfig(kc);
      discovery.drop();
      const fresh = objects;
      const { group, names } = crd.spec;
      for (const version of crd.spec.versions.filter((v) => v.served)) {
        const apiVersion = `${group}/${version.name}`;
        if (!(await pollUntil(deadline, async () => (await fresh.serves(apiVersion, names.kind)) || undefined))) {
          throw new Error(`CustomResourceDefinition ${crdName} is Established but ${names.kind} is not served in ${apiVersion} after ${timeoutMs} ms`);
        }
      }
    },
    async liveChecksum(ref) {
      if (!(await objects.serves(ref.apiVersion, ref.kind))) return undefined;
      const live = await orUndefined(objects.read({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } }));
      return live?.metadata?.annotations?.[CHECKSUM_ANNOTATION];
    },
    async listLabelled(label) {
      const kinds = await discovery.get();
      const lists = await mapLimit(kinds, 8, async (r) => {
        try {
          return await listKind(get, r, label);
        } catch (err) {
          opts.onSkipped?.(pathOf(r), err);
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
      if (!(await objects.serves(ref.apiVersion, ref.kind))) return;
      const header = { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } };
      await orUndefined(objects.delete(header, undefined, undefined, undefined, undefined, 'Background'));
    },
  };
}

// Every object of one served kind carrying `label`, all namespaces, page by page; each with its uid.
async function listKind(get: GetJson, r: ServedResource, label: string): Promise<Array<{ uid: string; ref: LiveRef }>> {
  const out: Array<{ uid: string; ref: LiveRef }> = [];
  let token = '';
  do {
    const page = asRecord(await get(pathOf(r), { labelSelector: label, limit: '500', ...(token && { continue: token }) }));
    for (const item of Array.isArray(page?.items) ? page.items : []) {
      const found = liveRef(asRecord(item) ?? {}, r);
      if (found) out.push(found);
    }
    const next = asRecord(page?.metadata)?.continue;
    token = typeof next === 'string' ? next : '';
  } while (token);
  return out;
}

// A listed object as garbage collection sees it, or undefined when it has no name.
function liveRef(item: Record<string, unknown>, r: ServedResource): { uid: string; ref: LiveRef } | undefined {
  const meta = asRecord(item.metadata);
  const name = meta?.name;
  if (typeof name !== 'string') return undefined;
  const namespace = r.namespaced && typeof meta?.namespace === 'string' ? meta.namespace : undefined;
  const id = resourceId({ namespace, kind: r.kind, name });
  const ref: LiveRef = {
    id, kind: r.kind, apiVersion: r.apiVersion, name, ...(namespace && { namespace }),
    labels: metadataStrings(item, 'labels'), annotations: metadataStrings(item, 'annotations'),
  };
  return { uid: typeof meta?.uid === 'string' ? meta.uid : id, ref };
}

// The collection URL of a served kind, all namespaces.
function pathOf(r: ServedResource): string {
  return `${r.apiVersion.includes('/') ? '/apis' : '/api'}/${r.apiVersion}/${r.plural}`;
}

// What KubernetesObjectApi needs to address an object, taken from a body.
function headerOf(body: Record<string, unknown>): { apiVersion: string; kind: string; metadata: { name?: string; namespace?: string } } {
  const meta = asRecord(body.metadata);
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  return {
    apiVersion: str(body.apiVersion) ?? '',
    kind: str(body.kind) ?? '',
    metadata: { name: str(meta?.name), namespace: str(meta?.namespace) },
  };
}

// The API server's own words for a failed request: the `message` of the Status it answered, else the status code
// and the body it answered (`404 page not found` from a URL nothing serves), else the error's message.
function apiMessage(err: unknown): string {
  const body = (err as { body?: unknown }).body;
  if (typeof body !== 'string') return err instanceof Error ? err.message : String(err);
  const message = asRecord(parseJson(body))?.message;
  if (typeof message === 'string' && message) return message;
  return `HTTP ${statusCode(err) ?? '?'}: ${body.trim().slice(0, 200)}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // not a Status: the caller falls back to the error's message
  }
}


function condition(crd: k8s.V1CustomResourceDefinition, type: string): k8s.V1CustomResourceDefinitionCondition | undefined {
  return crd.status?.conditions?.find((c) => c.type === type);
}

// Why a CRD is not Established, from its conditions (names refused, say), for the timeout error.
function notEstablishedWhy(crd: k8s.V1CustomResourceDefinition | undefined): string {
  if (!crd) return ': it does not exist';
  const refused = crd.status?.conditions?.find((c) => c.status === 'False' && c.message);
  return refused ? `: ${refused.type}: ${refused.message}` : '';
}

// Calls `probe` until it answers a value, or the deadline passes (then undefined); 50 ms apart, doubling to 500 ms.
async function pollUntil<T>(deadline: number, probe: () => Promise<T | undefined>): Promise<T | undefined> {
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    const value = await probe();
    if (value !== undefined) return value;
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    await sleep(Math.min(delay, left));
  }
}
