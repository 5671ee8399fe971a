import type { Logger } from 'pino';
import { CHECKSUM_ANNOTATION, checksum, gcMark, GC_MARK_LABEL, withSyncMetadata } from './checksum.ts';
import type { SyncCluster } from './cluster.ts';
import { appliedByFluxd } from './fluxd-applied.ts';
import { loadManifests } from '../manifests/load-manifests.ts';
import { defaultClusterScoped, id, metadataStrings, type LoadError, type Manifest } from '../manifests/manifest.ts';
import { orderForApply, rankOfKind } from './order.ts';
import { mapLimit } from '../map-limit.ts';
import { DEFAULT_GC_BUDGET_RATIO, planGarbageCollection } from './plan-gc.ts';
import { IgnorePolicy, ignorePolicy } from './policy.ts';
import { readSourceFiles } from '../manifests/read-sources.ts';
import { clusterScopedFrom } from './scope.ts';
import { decryptFiles, type FileDecryptor } from '../decrypt/decrypt-files.ts';

// One Git source as a sync sees it: where its checked-out revision is, and what to do with it.
export interface SyncSource {
  id: string; // the source's identity in GC marks (e.g. fluxd's sync-set name)
  root: string; // the checked-out revision
  paths: readonly string[]; // --git-path, relative to root; empty = everything
  defaultNamespace: string; // --k8s-default-namespace
  manifestGeneration?: boolean | undefined; // --manifest-generation: .flux.yaml files generate the manifests
  gc: { enabled: boolean; dryRun: boolean; budgetRatio?: number };
  // --k8s-allow-namespace: when set, only objects in these namespaces are applied or collected; cluster-scoped
  // objects and other namespaces are reported as out of scope, as fluxd did.
  allowNamespaces?: readonly string[];
  // --sops: how an encrypted file is decrypted (in memory) before it is loaded; default: files are loaded as read.
  decrypt?: FileDecryptor | undefined;
}

// What one sync did, for the API, metrics and logs.
export interface SyncRecord {
  revision: string;
  applied: string[];
  unchanged: string[];
  ignored: string[];
  outOfScope: string[];
  failed: Array<{ id: string; message: string }>;
  loadErrors: LoadError[];
  deleted: string[];
  gcRefused?: string;
  gcDryRun: string[];
  complete: boolean; // every file loaded and every object applied: the revision may be marked synced
  durationMs: number;
}

const CRD_WAIT_MS = 60_000;
const APPLY_CONCURRENCY = 8;

// Consecutive runs of manifests of one apply rank, in order.
function byRank(ordered: readonly Manifest[]): Manifest[][] {
  const out: Manifest[][] = [];
  let last = -1;
  for (const m of ordered) {
    const rank = rankOfKind(m.kind);
    if (rank !== last || out.length === 0) out.push([]);
    out.at(-1)?.push(m);
    last = rank;
  }
  return out;
}

// What a sync works with: the cluster, the log, the revision synced completely before (fluxd's objects applied from
// the same manifest are left alone only at it), `applyAll` (every object applied whatever its checksum: the
// periodic sync that puts hand edits back, as fluxd's every sync did) and the --sync-timeout signal.
export interface SyncDeps { cluster: SyncCluster; log: Logger; lastSyncedRevision?: string | undefined; applyAll?: boolean; signal?: AbortSignal }

// Syncs one revision of a source: load (a broken file is reported and skipped), apply in fluxd's order with
// Namespaces and CRDs first (waiting until each CRD is Established), skip objects whose live checksum already
// matches, at any revision (Capstan applied this very manifest), or that fluxd applied from the same manifest at the
// revision synced before (fluxd-applied.ts), unless `applyAll`; then garbage-collect only after a complete plan.
export async function syncSource(source: SyncSource, revision: string, deps: SyncDeps): Promise<SyncRecord> {
  const started = performance.now();
  const record: SyncRecord = { revision, applied: [], unchanged: [], ignored: [], outOfScope: [], failed: [], loadErrors: [], deleted: [], gcDryRun: [], complete: false, durationMs: 0 };
  const read = await readSourceFiles(source.root, source.paths, { manifestGeneration: source.manifestGeneration, defaultNamespace: source.defaultNamespace, signal: deps.signal });
  const opened = source.decrypt ? await decryptFiles(read.files, source.decrypt) : { files: read.files, errors: [] };
  const { loaded, clusterScoped } = await loadScoped(opened.files, source.defaultNamespace, deps);
  record.loadErrors = [...read.errors, ...opened.errors, ...loaded.errors];
  const allowed = source.allowNamespaces?.length ? new Set(source.allowNamespaces) : undefined;
  const inScope = (namespace: string | undefined) => !allowed || (namespace !== undefined && allowed.has(namespace));
  const live = (await deps.cluster.listLabelled(GC_MARK_LABEL, allowed && [...allowed])).filter((o) => inScope(o.namespace));
  const liveById = new Map(live.map((o) => [o.id, o]));
  const step = async (m: Manifest): Promise<void> => {
    const mid = id(m, clusterScoped);
    if (!inScope(m.namespace)) return void record.outOfScope.push(mid);
    const current = liveById.get(mid);
    if (ignorePolicy(metadataStrings(m.body, 'annotations'), current?.annotations) === IgnorePolicy.ignore) {
      return void record.ignored.push(mid);
    }
    if (deps.signal?.aborted) {
      // --sync-timeout: what is left is reported, the plan is incomplete, nothing is collected
      return void record.failed.push({ id: mid, message: `not applied: ${String(deps.signal.reason ?? 'sync timed out')}` });
    }
    const sum = checksum(m);
    // an object this source applied from this very manifest (its mark and this checksum) is left alone at any
    // revision, so a commit applies only what it changed; one taken over from fluxd (kubectl's record of it equal)
    // only at the revision synced before (by Capstan, or by fluxd: its flux-sync tag)
    const mark = gcMark(source.id, mid);
    const same = () => (current?.annotations?.[CHECKSUM_ANNOTATION] === sum && current.labels?.[GC_MARK_LABEL] === mark)
      || (deps.lastSyncedRevision === revision && appliedByFluxd(m, current, mark));
    if (!deps.applyAll && same()) return void record.unchanged.push(mid);
    await applyOne(m, mid, sum, source, deps, record);
  };
  // one rank after another (Namespaces, CRDs, ... as fluxd ordered them); within a rank, APPLY_CONCURRENCY at once
  for (const rank of byRank(orderForApply(loaded.manifests, clusterScoped))) await mapLimit(rank, APPLY_CONCURRENCY, step);
  const desired = new Set(loaded.manifests.map((m) => id(m, clusterScoped)));
  record.complete = record.loadErrors.length === 0 && record.failed.length === 0;
  if (source.gc.enabled) await collectGarbage(source, desired, live, record, deps);
  record.durationMs = performance.now() - started;
  return record;
}

// Loads the files with each kind's real scope: discovery and the CRDs in this revision say which custom kinds are
// cluster-scoped (loaded again only when that differs from the built-in list). Discovery failing falls back to it.
async function loadScoped(files: Parameters<typeof loadManifests>[0], defaultNamespace: string, deps: { cluster: SyncCluster; log: Logger }) {
  const loaded = loadManifests(files, { defaultNamespace });
  const served = await (deps.cluster.servedKinds?.() ?? Promise.resolve([])).catch((err: unknown) => {
    deps.log.warn({ err: (err as Error).message }, 'API discovery failed; custom kinds are taken as namespaced');
    return [];
  });
  const clusterScoped = clusterScopedFrom(served, loaded.manifests);
  const differs = loaded.manifests.some((m) => clusterScoped(m.kind, m.apiVersion) !== defaultClusterScoped(m.kind, m.apiVersion));
  return { loaded: differs ? loadManifests(files, { defaultNamespace, clusterScoped }) : loaded, clusterScoped };
}

async function applyOne(m: Manifest, mid: string, sum: string, source: SyncSource, deps: { cluster: SyncCluster; log: Logger; signal?: AbortSignal }, record: SyncRecord): Promise<void> {
  try {
    await deps.cluster.apply(withSyncMetadata(m, { mark: gcMark(source.id, mid), checksum: sum }), deps.signal);
    if (m.kind === 'CustomResourceDefinition') await deps.cluster.waitEstablished(m.name, CRD_WAIT_MS);
    record.applied.push(mid);
  } catch (err) {
    // the API server may quote the offending value: for a Secret that could be its data, so keep only the field
    const detail = m.kind === 'Secret' ? secretSafe((err as Error).message) : (err as Error).message;
    const message = `${m.source.file}:${m.source.line}: ${detail}`;
    record.failed.push({ id: mid, message });
    deps.log.warn({ id: mid, err: message }, 'apply failed');
  }
}

async function collectGarbage(source: SyncSource, desired: Set<string>, live: Awaited<ReturnType<SyncCluster['listLabelled']>>, record: SyncRecord, deps: { cluster: SyncCluster; log: Logger }): Promise<void> {
  const plan = planGarbageCollection({
    live, desired, sourceId: source.id, planComplete: record.complete,
    budgetRatio: source.gc.budgetRatio ?? DEFAULT_GC_BUDGET_RATIO, dryRun: source.gc.dryRun,
  });
  if (plan.refused) {
    record.gcRefused = plan.refused.message;
    deps.log.warn({ reason: plan.refused.reason }, plan.refused.message);
    return;
  }
  for (const obj of plan.delete) {
    if (plan.dryRun) {
      record.gcDryRun.push(obj.id);
      deps.log.info({ id: obj.id }, 'garbage collection (dry run): would delete');
      continue;
    }
    try {
      await deps.cluster.delete(obj);
      record.deleted.push(obj.id);
    } catch (err) {
      record.failed.push({ id: obj.id, message: `delete: ${(err as Error).message}` });
    }
  }
}

// An apply error about a Secret, without anything that could be its data: the field paths it names, if any.
function secretSafe(message: string): string {
  const fields = [...new Set(message.match(/(?<![\w.])\.?(?:data|stringData|type|metadata)(?:\.[\w-]+)*/g) ?? [])];
  return `the API server refused the Secret${fields.length ? ` (fields: ${fields.join(', ')})` : ''}; details withheld as they may quote its data`;
}
