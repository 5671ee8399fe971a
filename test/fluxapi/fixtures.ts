// Live objects, sources and a loopback server for the fluxd API's unit tests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Route } from '../../src/http/http-server.ts';
import { type FluxSource, fluxSource, liveId } from '../../src/fluxapi/flux-source.ts';
import type { ListedKind, LiveObjects } from '../../src/fluxapi/live-objects.ts';
import { gcMark, GC_MARK_LABEL } from '../../src/sync/checksum.ts';
import type { SyncRecord } from '../../src/sync/sync-source.ts';

// A source of https://git.example/team/apps.git (with a password in its URL), whose last sync is `record`.
export function source(opts: { record?: Partial<SyncRecord>; failing?: string; readonly?: boolean; url?: string } = {}): FluxSource {
  const record: SyncRecord | undefined = opts.record ? {
    revision: 'abc123', applied: [], unchanged: [], ignored: [], outOfScope: [], failed: [], loadErrors: [], deleted: [], gcDryRun: [],
    complete: true, durationMs: 1, ...opts.record,
  } : undefined;
  const failing = opts.failing ? { since: 'then', at: 'now', failures: 2, error: opts.failing } : undefined;
  return fluxSource({
    name: 'default', gitUrl: opts.url ?? 'https://bot:s3cret-pass@git.example/team/apps.git', gitBranch: 'main', gitPaths: ['apps', 'base'],
    readonly: opts.readonly ?? false, auth: { username: 'bot', password: 's3cret-pass' },
  }, { last: () => record, failing: () => failing });
}

// A live Deployment; `mark` gives it the GC mark of that source (as if it had synced it).
export function deployment(name: string, o: { namespace?: string; image?: string; annotations?: Record<string, string>; mark?: FluxSource; status?: Record<string, unknown>; generation?: number } = {}): Record<string, unknown> {
  const obj: Record<string, unknown> = {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name, namespace: o.namespace ?? 'team', generation: o.generation ?? 2, labels: { app: name }, annotations: o.annotations ?? {}, uid: 'u-1', resourceVersion: '7' },
    spec: { replicas: 2, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: o.image ?? 'registry.example/team/app:1.0.0' }] } } },
    status: o.status ?? { observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 },
  };
  if (o.mark) (obj.metadata as { labels: Record<string, string> }).labels[GC_MARK_LABEL] = gcMark(o.mark.sourceId, liveId(obj));
  return obj;
}

// LiveObjects over a fixed list: filters by kind, label and namespace as the API server would; records each call.
export function fakeLive(objects: Array<Record<string, unknown>>): LiveObjects & { calls: Array<{ kinds: string[]; namespaces: readonly string[] }> } {
  const calls: Array<{ kinds: string[]; namespaces: readonly string[] }> = [];
  return {
    calls,
    async list(kinds: readonly ListedKind[], { label, namespaces }) {
      calls.push({ kinds: kinds.map((k) => k.kind), namespaces });
      return objects.filter((o) => {
        const meta = o.metadata as { namespace?: string; labels?: Record<string, string> };
        return kinds.some((k) => k.kind === o.kind && k.apiVersion === o.apiVersion) && meta.labels?.[label] !== undefined
          && (!namespaces.length || namespaces.includes(meta.namespace ?? ''));
      }).map((o) => structuredClone(o));
    },
  };
}

// Serves routes on a loopback port (no guard), for requests as fluxctl sends them.
export async function serveRoutes(routes: Route[]): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      for (const r of routes) if (await r(req, res)) return;
      res.writeHead(404).end('not found');
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/flux`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// The JSON type of each key, as a golden shape to compare answers with: 'string', 'number', 'boolean', 'null',
// 'array', 'object'.
export function shapeOf(value: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v]));
}
