import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { SyncConfig } from '../config.ts';
import { exportTree, fetchMirror, resolveRef } from '../git/mirror.ts';
import { moveSyncTag, syncTagCommit } from '../git/sync-tag.ts';
import { redact } from '../redact.ts';
import { sourceIdUrl } from './source-id-url.ts';
import { startLoop } from '../loop.ts';
import { fluxSyncSetName } from './checksum.ts';
import { memoryMarker, type SyncMarker } from './sync-marker.ts';
import type { SyncCluster } from './cluster.ts';
import { syncSource, type SyncRecord } from './sync-source.ts';
import { syncDue } from './sync-due.ts';
import type { Decryption } from '../decrypt/decryption.ts';

// The sync loop's ports and observers; the first retry after a failed cycle waits `retryBaseMs` (default 10 s),
// doubling up to the sync interval.
export interface DaemonOptions {
  sync: SyncConfig;
  cluster: SyncCluster;
  log: Logger;
  gitTimeoutMs: number;
  retryBaseMs?: number;
  onRecord?: (record: SyncRecord) => void;
  onFailure?: (err: Error) => void;
  // Leader election: cycles run only while this returns true (default: always).
  isLeader?: () => boolean;
  // Where the last fully synced commit is kept; default the sync tag in Git (or memory with --git-readonly).
  marker?: SyncMarker;
  // --git-secret reveals files in each checkout before it is read; --sops decrypts files as they are read.
  decryption?: Pick<Decryption, 'reveal' | 'decrypt'>;
}

// Cycles failing in a row (Git unreachable, the cluster not listable): since when, the latest error, how many.
export interface SyncFailing { since: string; at: string; failures: number; error: string }

// `failing` is set while cycles fail and cleared by the next cycle that reads Git and syncs.
export interface SyncDaemon { stop(): Promise<void>; syncNow(): void; last(): SyncRecord | undefined; failing(): SyncFailing | undefined }

// `capstan daemon` for one repository: every sync interval (or on syncNow) fetch the branch, check its head out,
// and sync it. When Git cannot be read nothing is applied or deleted, and the cycle is retried with backoff.
// GC marks use fluxd's sync-set name, so objects fluxd synced from the same repo are recognised as this source's.
export function startSyncDaemon(opts: DaemonOptions): SyncDaemon {
  const { sync } = opts;
  const url = sync.gitUrl ?? '';
  const sourceId = fluxSyncSetName({ safeUrl: sourceIdUrl(url), branch: sync.gitBranch, paths: sync.gitPaths });
  let lastRecord: SyncRecord | undefined;
  let failing: SyncFailing | undefined;
  let lastSyncAt = 0;
  let lastFullSyncAt = Date.now(); // the last sync that applied every object (none yet: the first applies changes)
  let incompleteSyncs = 0; // syncs in a row that left something unapplied: retried with backoff (sync-due.ts)
  let forced = true; // the first cycle, and any trigger, syncs even an unchanged head
  const every = Math.min(sync.gitPollIntervalMs, sync.syncIntervalMs);
  const gitOpts = { timeoutMs: opts.gitTimeoutMs, auth: sync.auth, ssh: sync.ssh };
  const marker: SyncMarker = opts.marker ?? (sync.readonly ? memoryMarker() : {
    read: (dir) => syncTagCommit(dir, sync.syncTag, gitOpts),
    write: (dir, sha) => moveSyncTag(dir, url, { tag: sync.syncTag, sha, committer: { name: sync.gitUser, email: sync.gitEmail }, ciSkip: sync.ciSkipMessage }, gitOpts),
  });
  let lastSynced: string | undefined;
  let tagRead = false;
  // this process's checkouts of this source (removed on stop): a sweep must never remove another daemon's
  const trees = join(sync.cacheDir, 'trees', `${sourceId.slice(0, 24)}-${process.pid}`);
  // one cycle: sync when due, and say how long until the next; failures back off from retryBaseMs to the interval
  const cycle = async (): Promise<number> => {
    if (opts.isLeader && !opts.isLeader()) {
      // another replica syncs this source; look again soon, and sync at once on becoming leader
      forced = true;
      return 2_000;
    }
    const record = await syncOnce();
    failing = undefined;
    if (record === lastRecord) return every;
    lastRecord = record;
    if (record.complete) lastSynced = record.revision;
    incompleteSyncs = record.complete ? 0 : incompleteSyncs + 1;
    opts.onRecord?.(record);
    opts.log.info({ revision: record.revision, applied: record.applied.length, unchanged: record.unchanged.length,
      failed: record.failed.length, loadErrors: record.loadErrors.length, deleted: record.deleted.length,
      gcRefused: record.gcRefused, ms: Math.round(record.durationMs) }, 'synced');
    return every;
  };
  const syncOnce = async (): Promise<SyncRecord> => {
    const dir = await fetchMirror(url, { cacheDir: sync.cacheDir, minIntervalMs: 0, timeoutMs: opts.gitTimeoutMs, auth: sync.auth, ssh: sync.ssh });
    const sha = await resolveRef(dir, sync.gitBranch, { timeoutMs: opts.gitTimeoutMs });
    if (!sha) throw new Error(`--git-branch: "${sync.gitBranch}" is not a branch of ${redact(url, sync.auth ? [sync.auth] : [])}`);
    // fetched every --git-poll-interval; applied when due (sync-due.ts)
    const due = syncDue({ forced, head: sha, last: lastRecord, sinceLastSyncMs: Date.now() - lastSyncAt,
      syncIntervalMs: sync.syncIntervalMs, retryBaseMs: opts.retryBaseMs ?? 10_000, incompleteSyncs });
    if (!due && lastRecord) return lastRecord;
    forced = false;
    lastSyncAt = Date.now();
    if (!tagRead) {
      // after a restart, the sync tag says which revision was fully applied: its unchanged objects are skipped
      lastSynced = await marker.read(dir);
      tagRead = true;
    }
    const root = await exportTree(dir, { sha, path: '.', dest: join(trees, sha) }, { timeoutMs: opts.gitTimeoutMs });
    await opts.decryption?.reveal?.(root);
    // every --sync-interval a sync applies every object, putting hand edits back; the others apply what changed
    const applyAll = Date.now() - lastFullSyncAt >= sync.syncIntervalMs;
    if (applyAll) lastFullSyncAt = Date.now();
    const record = await syncSource({
      id: sourceId, root, paths: sync.gitPaths, defaultNamespace: sync.defaultNamespace, manifestGeneration: sync.manifestGeneration,
      gc: { enabled: sync.garbageCollection, dryRun: sync.garbageCollectionDry, budgetRatio: sync.gcBudgetRatio },
      allowNamespaces: sync.allowNamespaces, decrypt: opts.decryption?.decrypt,
    }, sha, { cluster: opts.cluster, log: opts.log, lastSyncedRevision: lastSynced, applyAll, signal: AbortSignal.timeout(sync.syncTimeoutMs) });
    for (const old of await readdir(trees)) if (old !== sha) await rm(join(trees, old), { recursive: true, force: true });
    if (record.complete && (await marker.read(dir)) !== sha) await advanceMarker(dir, sha);
    return record;
  };
  // Moves the marker only after a complete sync; a write that fails (a read-only deploy key) is logged, and the
  // marker is then kept in memory only.
  const advanceMarker = async (dir: string, sha: string): Promise<void> => {
    try {
      await marker.write(dir, sha);
    } catch (err) {
      opts.log.warn({ tag: sync.syncTag, err: (err as Error).message }, 'cannot record the sync marker (use --git-readonly or --sync-state secret for a read-only repository)');
      lastSynced = sha;
    }
  };
  const loop = startLoop(cycle, (err, failures) => {
    const delay = Math.min(every, (opts.retryBaseMs ?? 10_000) * 2 ** (failures - 1));
    opts.onFailure?.(err);
    const error = redact(err.message, sync.auth ? [sync.auth] : []);
    const at = new Date().toISOString();
    failing = { since: failing?.since ?? at, at, failures, error };
    opts.log.warn({ err: error, retryInMs: delay }, 'sync failed; nothing applied or deleted');
    return delay;
  });
  return {
    syncNow: () => {
      forced = true;
      loop.runNow();
    },
    last: () => lastRecord,
    failing: () => failing,
    async stop() {
      await loop.stop();
      await rm(trees, { recursive: true, force: true });
    },
  };
}
