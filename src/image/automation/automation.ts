import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ImageConfig, SyncConfig } from '../../config.ts';
import { commitAndPush } from '../../git/working-clone.ts';
import { redact } from '../../redact.ts';
import type { PullCredentials } from '../../kube/pull-secrets.ts';
import { startLoop } from '../../loop.ts';
import { loadManifests } from '../../manifests/load-manifests.ts';
import { readSourceFiles } from '../../manifests/read-sources.ts';
import { PatternKind } from '../policy/tag-pattern.ts';
import { parsePlatform, type RequestEvent } from '../registry/client.ts';
import type { RegistryCredentials } from '../../docker-config.ts';
import { createAuthCache } from '../registry/auth-cache.ts';
import type { HostRateLimiter } from '../registry/rate-limiter.ts';
import type { ImageCache } from '../scan/image-cache.ts';
import { workloadOf } from '../workload/workload.ts';
import { applyUpdates } from './apply-updates.ts';
import { autoReleaseMessage } from './commit-message.ts';
import { automatedContainers, imageFilter, planUpdates, type Skipped } from './plan-updates.ts';
import { releasedBefore } from './release-history.ts';
import { scanWorkloads } from './scan-workloads.ts';

// What one automation cycle did, for logs, metrics and the API.
export interface AutomationRecord {
  at: string;
  repositories: number;
  updates: Array<{ workload: string; container: string; from: string; to: string }>;
  skipped: Skipped[];
  warnings: string[];
  commit?: string;
  attempts: number;
  durationMs: number;
}

export interface AutomationOptions {
  source: SyncConfig;
  image: ImageConfig;
  cache: ImageCache;
  limiter: HostRateLimiter;
  dockerConfig: ReadonlyMap<string, RegistryCredentials>;
  // A fresh credentials lookup per cycle (each Secret read once per cycle); default: the docker config only.
  pullCredentials?: () => PullCredentials;
  gitTimeoutMs: number;
  log: Logger;
  isLeader?: () => boolean;
  onRequest?: (event: RequestEvent) => void;
  onRecord?: (record: AutomationRecord) => void;
  onFailure?: (err: Error) => void;
  onPushed?: (commit: string) => void;
  retryBaseMs?: number;
}

export interface ImageAutomation {
  stop(): Promise<void>;
  runNow(): void;
  // A registry said these repositories (`domain/path`; undefined: any) changed: re-list them in a cycle now.
  nudge(repositories: readonly string[] | undefined): void;
  last(): AutomationRecord | undefined;
}

// Image automation for one Git source (fluxd's automation loop): every --automation-interval, read the workloads
// at the branch head, scan the registries of their images, pick each automated container's newest allowed tag,
// and commit the edits (only the image values change) with fluxd's message; a rejected push is rebased and
// retried. Only the leader of the source runs it; a failed cycle is retried with backoff.
export function startImageAutomation(opts: AutomationOptions): ImageAutomation {
  const { source } = opts;
  const platform = parsePlatform(opts.image.platform);
  const scanned = imageFilter(opts.image.includeImages, opts.image.excludeImages);
  const gitOpts = { timeoutMs: opts.gitTimeoutMs, auth: source.auth, ssh: source.ssh };
  const secrets = source.auth ? [source.auth] : [];
  let lastRecord: AutomationRecord | undefined;
  let lastSkipped = '[]';
  let relist: Set<string> | 'all' = new Set();
  const authCache = createAuthCache(); // tokens and Basic hosts kept from one cycle to the next
  const abort = new AbortController();
  // this process's own working clone of the source (several daemons, or tests, may share one cache directory)
  const workDir = join(source.cacheDir, 'image-write', `${createHash('sha256').update(`${source.gitUrl}#${source.gitBranch}`).digest('hex').slice(0, 12)}-${process.pid}`);

  const runOnce = async (): Promise<AutomationRecord> => {
    const started = performance.now();
    const record: AutomationRecord = { at: new Date().toISOString(), repositories: 0, updates: [], skipped: [], warnings: [], attempts: 0, durationMs: 0 };
    const allowed = source.allowNamespaces.length ? new Set(source.allowNamespaces) : undefined;
    const fresh = relist;
    relist = new Set();
    const result = await commitAndPush({
      url: source.gitUrl ?? '', branch: source.gitBranch, pushBranch: source.pushBranch, dir: workDir,
      committer: { name: source.gitUser, email: source.gitEmail }, ciSkipMessage: source.ciSkipMessage,
    }, async (root, base) => {
      // a retry after a rejected push starts over on the new head
      record.updates = [];
      record.skipped = [];
      record.warnings = [];
      const read = await readSourceFiles(root, source.gitPaths, { manifestGeneration: source.manifestGeneration, defaultNamespace: source.defaultNamespace, signal: abort.signal });
      const loaded = loadManifests(read.files, { defaultNamespace: source.defaultNamespace });
      const workloads = loaded.manifests.flatMap((m) => {
        const w = workloadOf(m);
        return w && (!allowed || allowed.has(w.namespace)) ? [{ workload: w, file: m.source.file }] : [];
      });
      const { candidates, skipped } = automatedContainers(workloads, scanned);
      const timeFilters = new Map<string, Array<(tag: string) => boolean>>();
      for (const c of candidates) {
        if (c.pattern.kind === PatternKind.semver) continue;
        timeFilters.set(c.repository, [...(timeFilters.get(c.repository) ?? []), c.pattern.matches]);
      }
      const scans = await scanWorkloads(workloads.map((w) => w.workload), timeFilters, record.warnings, {
        cache: opts.cache, limiter: opts.limiter, platform, insecureHosts: opts.image.insecureHosts, dockerConfig: opts.dockerConfig,
        pullCredentials: opts.pullCredentials?.(), scanned, listEveryMs: opts.image.intervalMs, burst: opts.image.burst,
        relist: fresh, log: opts.log, onRequest: opts.onRequest, authCache, signal: abort.signal,
      });
      record.repositories = scans.size;
      const plan = planUpdates(candidates, (r) => scans.get(r), await releasedBefore(root, base, gitOpts));
      record.skipped = [...skipped, ...plan.skipped];
      const done = await applyUpdates(root, plan.updates, record.skipped, source.defaultNamespace,
        { generated: read.generated, manifests: loaded.manifests, defaultNamespace: source.defaultNamespace, git: gitOpts, signal: abort.signal });
      record.updates = done.map((u) => ({ workload: u.workload.id, container: u.container, from: u.current, to: u.image }));
      return done.length ? autoReleaseMessage(done) : undefined;
    }, { ...gitOpts, signal: abort.signal });
    record.attempts = result.attempts;
    if (result.commit) record.commit = result.commit;
    record.durationMs = performance.now() - started;
    return record;
  };

  const loop = startLoop(async () => {
    if (opts.isLeader && !opts.isLeader()) return 5_000;
    const record = await runOnce();
    lastRecord = record;
    opts.onRecord?.(record);
    // what was skipped is logged when it changes (a held revert, a tag without a time), not every interval
    const skipped = JSON.stringify(record.skipped);
    const level = record.commit || record.warnings.length || skipped !== lastSkipped ? 'info' : 'debug';
    lastSkipped = skipped;
    opts.log[level]({ commit: record.commit, updates: record.updates, skipped: record.skipped, warnings: record.warnings,
      repositories: record.repositories, attempts: record.attempts, ms: Math.round(record.durationMs) }, record.commit ? 'image updates pushed' : 'images checked');
    if (record.commit) opts.onPushed?.(record.commit);
    return opts.image.intervalMs;
  }, (err, failures) => {
    const delay = Math.min(opts.image.intervalMs, (opts.retryBaseMs ?? 10_000) * 2 ** (failures - 1));
    opts.onFailure?.(err);
    opts.log.warn({ err: redact(err.message, secrets), retryInMs: delay }, 'image automation failed; nothing pushed');
    return delay;
  });
  return {
    runNow: () => loop.runNow(),
    nudge(repositories) {
      if (repositories === undefined) relist = 'all';
      else if (relist !== 'all') for (const r of repositories) relist.add(r);
      loop.runNow();
    },
    last: () => lastRecord,
    async stop() {
      abort.abort(new Error('stopping'));
      await loop.stop();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}
