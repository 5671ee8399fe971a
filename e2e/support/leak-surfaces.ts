import * as k8s from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION, type HelmRelease } from '../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { dumpRedis } from './redis-dump.ts';

// One place a secret could leak to, as text: `where` names it in a failure message.
export interface Surface { where: string; text: string }

// What Capstan writes to the cluster that is not the user's own object: every Event of the namespace, each
// HelmRelease's status and annotations, the Leases, and the ConfigMaps other than `userConfigMaps`.
export async function clusterSurfaces(kc: k8s.KubeConfig, ns: string, userConfigMaps: readonly string[]): Promise<Surface[]> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const out: Surface[] = [];
  for (const e of (await core.listNamespacedEvent({ namespace: ns })).items) {
    out.push({ where: `Event ${e.involvedObject.kind}/${e.involvedObject.name} ${e.reason}`, text: JSON.stringify({ ...e, metadata: { name: e.metadata?.name, annotations: e.metadata?.annotations } }) });
  }
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const hrs = (await custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, namespace: ns })) as { items: HelmRelease[] };
  for (const hr of hrs.items) {
    out.push({ where: `HelmRelease ${hr.metadata.name} status`, text: JSON.stringify({ status: hr.status, annotations: hr.metadata.annotations, labels: hr.metadata.labels }) });
  }
  for (const l of (await kc.makeApiClient(k8s.CoordinationV1Api).listNamespacedLease({ namespace: ns })).items) {
    out.push({ where: `Lease ${l.metadata?.name}`, text: JSON.stringify({ spec: l.spec, annotations: l.metadata?.annotations }) });
  }
  for (const cm of (await core.listNamespacedConfigMap({ namespace: ns })).items) {
    if (userConfigMaps.includes(cm.metadata?.name ?? '')) continue;
    out.push({ where: `ConfigMap ${cm.metadata?.name}`, text: JSON.stringify({ data: cm.data, binaryData: cm.binaryData, annotations: cm.metadata?.annotations }) });
  }
  return out;
}

const DASHBOARD_STATUSES = ['latest', 'active', 'waiting', 'waiting-children', 'prioritized', 'completed', 'failed', 'delayed', 'paused'];

// Every answer of Capstan's HTTP listener a user can read: /metrics, the probes, each /api route, and the queue
// dashboard's JSON (the queue in every job status, each job and its logs, the workers, the Redis stats).
// `api` and `dashboard` are the headers that authenticate each.
export async function httpSurfaces(url: string, opts: { queue: string; api: Record<string, string>; dashboard: Record<string, string> }): Promise<Surface[]> {
  const out: Surface[] = [];
  const read = async (path: string, method = 'GET') => {
    const res = await fetch(`${url}${path}`, { method, headers: path.startsWith('/dashboard') ? opts.dashboard : opts.api });
    const text = await res.text();
    out.push({ where: `${method} ${path} (${res.status})`, text });
    return { status: res.status, text };
  };
  for (const path of ['/metrics', '/healthz', '/readyz', '/api/capstan/v1/sync', '/api/capstan/v1/images', '/api/flux/v6/identity.pub']) await read(path);
  for (const path of ['/api/flux/v11/notify', '/hooks/git']) await read(path, 'POST');
  const q = encodeURIComponent(opts.queue);
  const ids = new Set<string>();
  for (const status of DASHBOARD_STATUSES) {
    const r = await read(`/dashboard/api/queues?activeQueue=${q}&status=${status}&page=1&jobsPerPage=100`);
    if (r.status !== 200) throw new Error(`the dashboard answered ${r.status}: ${r.text.slice(0, 200)}`);
    const body = JSON.parse(r.text) as { queues?: Array<{ name: string; jobs?: Array<{ id?: string }> }> };
    for (const job of body.queues?.find((x) => x.name === opts.queue)?.jobs ?? []) if (job.id) ids.add(job.id);
  }
  for (const id of ids) {
    await read(`/dashboard/api/queues/${q}/${encodeURIComponent(id)}`);
    await read(`/dashboard/api/queues/${q}/${encodeURIComponent(id)}/logs`);
  }
  for (const path of [`/dashboard/api/queues/${q}/workers`, '/dashboard/api/redis/stats', '/dashboard/']) await read(path);
  return out;
}

// Every key of the Redis, one surface each (the name is part of the text: a key name can leak too).
export async function redisSurfaces(url: string): Promise<Surface[]> {
  return (await dumpRedis(url)).map((e) => ({ where: `Redis ${e.type} ${e.key}`, text: `${e.key}\n${e.text}` }));
}
