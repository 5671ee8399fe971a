import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Config, SyncConfig } from '../../config.ts';
import { fetchMirror, resolveRef } from '../../git/mirror.ts';
import type { Route } from '../../http/http-server.ts';
import type { ImageCache } from '../../image/scan/image-cache.ts';
import { startLoop } from '../../loop.ts';
import { redact } from '../../redact.ts';
import { bullConnection, connectRedis } from '../../redis/redis-client.ts';
import { fluxWriteRoutes } from '../write-routes.ts';
import { cachedTags } from './cached-tags.ts';
import { startFluxJobs } from './flux-jobs.ts';
import { type JobSource, runUpdate } from './run-update.ts';
import { pendingCommits } from './sync-status.ts';
import { syncedRevisions } from './synced-revisions.ts';

// One of the daemon's sources as the jobs see it: its settings (with the identity the daemon gave it), its Lease,
// its sync loop and its image automation.
export interface DaemonJobSource {
  config: SyncConfig;
  lease: { isLeader(): boolean };
  daemon: { syncNow(): void; last(): { revision: string } | undefined };
  automation: { runNow(): void } | undefined;
}

// The fluxd write API of a daemon, mounted by the daemon role: its route, and stop().
export interface DaemonJobs { route: Route; stop(): Promise<void> }

// Wires the fluxd jobs to the daemon's sources: a BullMQ queue `<queueName>-flux-jobs` any replica answers from,
// run by the replica holding every source's Lease; the revision each source last synced is published to Redis
// (checked four times a second by the leader, written when it changes) so `GET /v6/sync` answers alike on every replica.
export function startDaemonJobs({ config, log, metrics }: { config: Config; log: Logger; metrics: { registry: Registry } }, opts: { sources: readonly DaemonJobSource[]; cache: ImageCache | undefined }): DaemonJobs {
  const jobLog = log.child({ component: 'flux-api' });
  const jobsRun = new Counter({ name: 'capstan_flux_jobs_total', help: 'fluxd API jobs run by this process, by type and outcome', labelNames: ['type', 'outcome'], registers: [metrics.registry] });
  const workerActive = new Gauge({ name: 'capstan_flux_job_worker_active', help: '1 while this process runs the fluxd API jobs (it leads every source)', registers: [metrics.registry] });
  const gitOpts = (s: SyncConfig) => ({ timeoutMs: config.gitTimeoutMs, auth: s.auth, ssh: s.ssh });
  const workDirs = opts.sources.map((s) => join(s.config.cacheDir, 'flux-write', `${createHash('sha256').update(`${s.config.gitUrl}#${s.config.gitBranch}`).digest('hex').slice(0, 12)}-${process.pid}`));
  const jobSources: JobSource[] = opts.sources.map(({ config: s, daemon }, i) => ({
    name: s.name, readonly: s.readonly,
    target: {
      write: { url: s.gitUrl ?? '', branch: s.gitBranch, pushBranch: s.pushBranch, dir: workDirs[i] ?? '', committer: { name: s.gitUser, email: s.gitEmail }, ciSkipMessage: s.ciSkipMessage },
      git: gitOpts(s), paths: s.gitPaths, defaultNamespace: s.defaultNamespace, manifestGeneration: s.manifestGeneration,
    },
    syncNow: () => daemon.syncNow(),
    head: async () => {
      const dir = await fetchMirror(s.gitUrl ?? '', { cacheDir: s.cacheDir, minIntervalMs: 0, ...gitOpts(s) });
      const sha = await resolveRef(dir, s.gitBranch, gitOpts(s));
      if (!sha) throw new Error(`branch "${s.gitBranch}" is not in the Git source`);
      return sha;
    },
    redact: (text) => redact(text, s.auth ? [s.auth] : []),
  }));
  const bull = bullConnection(config.redis);
  const leads = () => opts.sources.length > 0 && opts.sources.every((s) => s.lease.isLeader());
  const jobs = startFluxJobs({
    queueName: config.queueName, connection: bull.connection, prefix: bull.prefix, log: jobLog, leads,
    run: (data) => runUpdate(data.request, data.spec, {
      sources: jobSources, latest: opts.cache ? cachedTags(opts.cache) : undefined,
      onAutomated: () => { for (const s of opts.sources) s.automation?.runNow(); },
    }),
    onJob: (type, outcome) => jobsRun.inc({ type, outcome }),
    onWorker: (active) => workerActive.set(active ? 1 : 0),
  });
  // the leader publishes each source's synced revision; a Redis error backs off up to 30 s
  const redis = connectRedis(config.redis, { maxRetriesPerRequest: 2 });
  redis.on('error', (err) => jobLog.debug({ err: err.message }, 'flux jobs: redis error'));
  const synced = syncedRevisions(redis, `${bull.prefix}:${config.queueName}-flux-jobs`);
  const published = new Map<string, string>();
  const publisher = startLoop(async () => {
    for (const s of opts.sources) {
      const revision = s.lease.isLeader() ? s.daemon.last()?.revision : undefined;
      if (!revision || published.get(s.config.name) === revision) continue;
      await synced.record(s.config.name, revision);
      published.set(s.config.name, revision);
    }
    return 250; // a local read; Redis is written only when a revision changes
  }, (err, failures) => {
    jobLog.debug({ err: err.message }, 'cannot publish the synced revision');
    return Math.min(30_000, 1_000 * 2 ** failures);
  });
  const route = fluxWriteRoutes({
    jobs,
    pending: (ref) => pendingCommits(ref, opts.sources.map(({ config: s }) => ({
      name: s.name, paths: s.gitPaths, synced: () => synced.get(s.name),
      mirror: (fetchNow) => fetchMirror(s.gitUrl ?? '', { cacheDir: s.cacheDir, minIntervalMs: fetchNow ? 0 : 1_000, ...gitOpts(s) }),
    }))),
    onError: (err) => jobLog.warn({ err: (err as Error).message }, 'fluxd API request failed'),
  });
  return {
    route,
    async stop() {
      await publisher.stop();
      await jobs.stop();
      await bull.close();
      await redis.quit().catch(() => undefined);
      await Promise.all(workDirs.map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}
