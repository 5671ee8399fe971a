import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ImageConfig, SyncConfig } from '../../config.ts';
import { commitAndPush } from '../../git/working-clone.ts';
import { redact } from '../../helm/helm-error.ts';
import type { PullCredentials } from '../../kube/pull-secrets.ts';
import { startLoop } from '../../loop.ts';
import { mapLimit } from '../../map-limit.ts';
import { loadManifests } from '../../sync/load-manifests.ts';
import { readManifestFiles } from '../../sync/read-files.ts';
import { EditError } from '../edit/locate.ts';
import { setContainerImage } from '../edit/set-image.ts';
import { InvalidImageRef, parseImageRef, repositoryName, type ImageRef } from '../image-ref.ts';
import { PatternKind } from '../policy/tag-pattern.ts';
import { createRegistryClient, parsePlatform, type RegistryClient } from '../registry/client.ts';
import { mergeCredentials, type RegistryCredentials } from '../registry/docker-config.ts';
import type { HostRateLimiter } from '../registry/rate-limiter.ts';
import type { ImageCache } from '../scan/image-cache.ts';
import { scanRepository, type ScannedRepository } from '../scan/scan-repository.ts';
import { workloadOf } from '../workload/workload.ts';
import { autoReleaseMessage } from './commit-message.ts';
import { automatedContainers, imageFilter, planUpdates, type PlannedUpdate, type Skipped, type WorkloadInGit } from './plan-updates.ts';
import { releasedBefore } from './release-history.ts';

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
  onRequest?: Parameters<typeof createRegistryClient>[0]['onRequest'];
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

const SCAN_CONCURRENCY = 4;

// Image automation for one Git source (fluxd's automation loop): every --automation-interval, read the workloads
// at the branch head, scan the registries of their images, pick each automated container's newest allowed tag,
// and commit the edits (only the image values change) with fluxd's message; a rejected push is rebased and
// retried. Only the leader of the source runs it; a failed cycle is retried with backoff.
export function startImageAutomation(opts: AutomationOptions): ImageAutomation {
  const { source } = opts;
  const platform = parsePlatform(opts.image.platform);
  const scanned = imageFilter(opts.image.includeImages, opts.image.excludeImages);
  const gitOpts = { timeoutMs: opts.gitTimeoutMs, auth: source.auth, ssh: source.ssh };
  const secrets = source.auth ? [source.auth.password] : [];
  let lastRecord: AutomationRecord | undefined;
  let lastSkipped = '[]';
  let relist: Set<string> | 'all' = new Set();
  const abort = new AbortController();
  // this process's own working clone of the source (several daemons, or tests, may share one cache directory)
  const workDir = join(source.cacheDir, 'image-write', `${createHash('sha256').update(`${source.gitUrl}#${source.gitBranch}`).digest('hex').slice(0, 12)}-${process.pid}`);

  const clientFor = (creds: ReadonlyMap<string, RegistryCredentials>): RegistryClient => createRegistryClient({
    credentials: (domain) => creds.get(domain), insecureHosts: opts.image.insecureHosts, platform, limiter: opts.limiter,
    ...(opts.onRequest ? { onRequest: opts.onRequest } : {}),
  });

  // Scans every repository the workloads run (the include/exclude globs applied); image metadata only for the
  // tags a time-ordered filter of an automated container admits.
  const scanAll = async (workloads: readonly WorkloadInGit[], timeFilters: Map<string, Array<(tag: string) => boolean>>, warnings: string[], fresh: Set<string> | 'all') => {
    const repos = new Map<string, { ref: ImageRef; users: WorkloadInGit['workload'][] }>();
    for (const { workload } of workloads) {
      for (const c of workload.containers) {
        let ref: ImageRef;
        try {
          ref = parseImageRef(c.image);
        } catch (err) {
          if (err instanceof InvalidImageRef) continue; // reported for automated workloads by automatedContainers
          throw err;
        }
        if (!scanned(c.image, ref)) continue;
        const name = repositoryName(ref);
        const entry = repos.get(name) ?? { ref: { domain: ref.domain, path: ref.path }, users: [] };
        entry.users.push(workload);
        repos.set(name, entry);
      }
    }
    const lookup = opts.pullCredentials?.();
    const results = new Map<string, ScannedRepository>();
    await mapLimit([...repos], SCAN_CONCURRENCY, async ([name, { ref, users }]) => {
      const fromPods = lookup ? await Promise.all(users.map((w) => lookup(w.namespace, w.imagePullSecrets, w.serviceAccountName))) : [];
      const filters = timeFilters.get(name) ?? [];
      const scan = await scanRepository(ref, name, (tag) => filters.some((f) => f(tag)), {
        client: clientFor(mergeCredentials(...fromPods, new Map(opts.dockerConfig))), cache: opts.cache, now: Date.now,
        listEveryMs: opts.image.intervalMs, burst: opts.image.burst, signal: abort.signal, relist: fresh === 'all' || fresh.has(name),
      });
      for (const w of scan.warnings) warnings.push(`${name}: ${w}`);
      if (scan.error) warnings.push(`${name}: ${scan.error}`);
      if (scan.newTags.length) opts.log.info({ repository: name, tags: scan.newTags.slice(0, 20), count: scan.newTags.length }, 'new tags');
      results.set(name, scan);
    });
    return results;
  };

  // Writes the planned images into the files; an update whose workload or container is no longer where the plan
  // saw it is reported and left out.
  const applyEdits = async (root: string, updates: readonly PlannedUpdate[], skipped: Skipped[]): Promise<PlannedUpdate[]> => {
    const done: PlannedUpdate[] = [];
    for (const u of updates) {
      const path = join(root, u.file);
      try {
        const text = await readFile(path, 'utf8');
        const target = { kind: u.workload.kind, name: u.workload.name, namespace: u.workload.namespace };
        const edited = setContainerImage(text, u.file, target, u.container, u.image, { defaultNamespace: source.defaultNamespace });
        if (edited !== text) {
          await writeFile(path, edited);
          done.push(u);
        }
      } catch (err) {
        if (!(err instanceof EditError)) throw err;
        skipped.push({ workload: u.workload.id, container: u.container, reason: err.message });
      }
    }
    return done;
  };

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
      const read = await readManifestFiles(root, source.gitPaths);
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
      const scans = await scanAll(workloads, timeFilters, record.warnings, fresh);
      record.repositories = scans.size;
      const plan = planUpdates(candidates, (r) => scans.get(r), await releasedBefore(root, base, gitOpts));
      record.skipped = [...skipped, ...plan.skipped];
      const done = await applyEdits(root, plan.updates, record.skipped);
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
