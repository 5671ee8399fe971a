import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { createMetrics, type Metrics } from './http/metrics.ts';
import { dashboardRoute } from './http/dashboard.ts';
import { startHttpServer, type Route } from './http/http-server.ts';
import { recordsRoute } from './http/sync-records.ts';
import { registryHookRoute } from './http/registry-hook.ts';
import { syncTriggerRoutes } from './http/sync-triggers.ts';
import { redact } from './redact.ts';
import { ConfigError } from './config-error.ts';
import { loadConfig, type Config } from './config.ts';
import { ensurePrivateDir } from './fs/private-dir.ts';
import { gitChartSource } from './helm/chart/git-source.ts';
import { loadDigestKey } from './helm/digest-key.ts';
import { startGitChartPoller } from './helm/git-chart-poller.ts';
import { startReleaseOperator } from './helm/operator.ts';
import type { ReleaseJob } from './helm/queue/release-job.ts';
import { execHelmRunner } from './helm/runner.ts';
import { startReleaseWorker } from './helm/worker.ts';
import { loadKubeConfig, realKubeClient } from './kube/real-client.ts';
import { startLeaderLease, type LeaderLease } from './kube/leader-lease.ts';
import { secretMarker } from './kube/secret-marker.ts';
import { writeIdentity } from './git/identity.ts';
import { identityRoute } from './http/identity.ts';
import { realSyncCluster } from './kube/sync-cluster.ts';
import { startSyncDaemon, type SyncDaemon } from './sync/daemon.ts';
import { redisOptions } from './redis-connection.ts';
import { startImageAutomation, type ImageAutomation } from './image/automation/automation.ts';
import { parseDockerConfig, type RegistryCredentials } from './docker-config.ts';
import { createRateLimiter } from './image/registry/rate-limiter.ts';
import { redisImageCache } from './image/scan/image-cache.ts';
import { kubePullCredentials } from './kube/pull-secrets.ts';
import { readFileSync } from 'node:fs';

// The only composition root: builds Config, logger and the real ports, starts the roles asked for, and stops
// them in order on SIGTERM/SIGINT (workers finish their helm runs first). Exit: 0 clean, 1 failure, 2 bad flags.
type Stop = () => Promise<void>;

function logger(config: Config): Logger {
  return pino({
    level: config.logLevel,
    base: { role: config.role },
    ...(config.logFormat === 'text' ? { transport: undefined, formatters: { level: (label: string) => ({ level: label }) } } : {}),
  });
}

async function startRoles(config: Config, log: Logger, metrics: Metrics): Promise<{ stops: Stop[]; ready: () => boolean; routes: Route[] }> {
  // Caches hold what credentials fetched: a private directory (0700, ours), else exit 2 naming the flag.
  if (config.role !== 'operator') await ensurePrivateDir(config.chartCacheDir, 'chart-cache-dir');
  if (config.helmCacheDir && config.role !== 'operator') await ensurePrivateDir(config.helmCacheDir, 'helm-cache-dir');
  const kc = loadKubeConfig(config.kubeconfig);
  const kube = realKubeClient(kc);
  const connection = redisOptions(config.redisUrl);
  const stops: Stop[] = [];
  const routes: Route[] = [];
  let ready = true;
  if (config.role === 'daemon' || (config.role === 'run' && config.syncSources.length > 0)) {
    const leases: LeaderLease[] = [];
    // fluxd's flux-git-deploy: the SSH key from a Secret, for sources that name no key of their own
    const secretKey = config.gitSecret ? await kube.secretKey(config.gitSecret.namespace, config.gitSecret.name, 'identity') : undefined;
    const identity = secretKey ? await writeIdentity(secretKey, join(config.sync.cacheDir, 'identity')) : config.sync.ssh?.keyFile;
    if (identity) routes.push(identityRoute(identity));
    const images = imageParts(config, log);
    const pullCredentials = kubePullCredentials(kc, (message) => log.warn({ component: 'image' }, message));
    const automations = new Map<string, ImageAutomation>();
    const daemons = config.syncSources.map((configured) => {
      const source = !configured.ssh && secretKey && identity ? { ...configured, ssh: { keyFile: identity } } : configured;
      const daemonLog = log.child({ component: 'daemon', source: source.name });
      const cluster = realSyncCluster(kc, {
        onSkipped: (path, err) => daemonLog.warn({ path, err: (err as Error).message }, 'cannot list; its objects are not garbage collected'),
      });
      const lease = startLeaderLease({
        kc, namespace: config.leaderElectionNamespace, log: daemonLog,
        name: `capstan-sync-${createHash('sha256').update(`${source.gitUrl}#${source.gitBranch}#${source.gitPaths.join(',')}`).digest('hex').slice(0, 12)}`,
        onChange: (leader) => { if (leader) daemon?.syncNow(); },
      });
      leases.push(lease);
      let daemon: SyncDaemon | undefined;
      const marker = config.syncState === 'secret' && config.gitSecret
        ? secretMarker(kc, config.gitSecret, source.name === 'default' ? '' : source.name) : undefined;
      daemon = startSyncDaemon({
        sync: source, cluster, log: daemonLog, gitTimeoutMs: config.gitTimeoutMs, isLeader: () => lease.isLeader(), marker,
        onRecord: (r) => {
          metrics.syncDuration.observe({ success: String(r.complete) }, r.durationMs / 1000);
          metrics.syncApplied.inc(r.applied.length);
          metrics.syncManifests.set({ success: 'true' }, r.applied.length + r.unchanged.length);
          metrics.syncManifests.set({ success: 'false' }, r.failed.length + r.loadErrors.length);
        },
        onFailure: () => metrics.syncFailures.inc(),
      });
      if (images && !source.readonly) {
        automations.set(source.name, startImageAutomation({
          source, image: config.image, cache: images.cache, limiter: images.limiter, dockerConfig: images.dockerConfig,
          pullCredentials: () => pullCredentials.session(), gitTimeoutMs: config.gitTimeoutMs,
          log: log.child({ component: 'image', source: source.name }), isLeader: () => lease.isLeader(),
          onRequest: (e) => metrics.registryRequests.inc({ host: e.host, kind: e.kind, status: String(e.status) }),
          onRecord: (r) => {
            metrics.automationCycles.inc({ result: 'ok' });
            metrics.imageUpdates.inc(r.updates.length);
            for (const host of images.hosts()) metrics.registryRate.set({ host }, images.limiter.rate(host));
          },
          onFailure: () => metrics.automationCycles.inc({ result: 'error' }),
          // an automation commit is applied at once, as fluxd synced after its own pushes
          onPushed: () => daemon?.syncNow(),
        }));
      }
      return daemon;
    });
    routes.push(syncTriggerRoutes(() => { for (const d of daemons) d.syncNow(); }, config.sync.webhookSecret));
    routes.push(registryHookRoute(config.sync.webhookSecret, (repositories) => { for (const a of automations.values()) a.nudge(repositories); }));
    const safeUrl = (s: (typeof config.syncSources)[number]) => redact(s.gitUrl ?? '', s.auth ? [s.auth] : []);
    routes.push(recordsRoute('/api/capstan/v1/sync', () => config.syncSources.map((s, i) => ({ source: s.name, url: safeUrl(s), record: daemons[i]?.last(), failing: daemons[i]?.failing() }))));
    routes.push(recordsRoute('/api/capstan/v1/images', () => config.syncSources.filter((s) => automations.has(s.name))
      .map((s) => ({ source: s.name, url: safeUrl(s), record: automations.get(s.name)?.last() }))));
    stops.push(async () => {
      await Promise.all([...automations.values()].map((a) => a.stop()));
      await images?.close();
      await Promise.all(daemons.map((d) => d.stop()));
      await Promise.all(leases.map((l) => l.stop()));
    });
  }
  if (config.role === 'operator' || config.role === 'run') {
    const queue = new Queue<ReleaseJob>(config.queueName, { connection });
    const operator = startReleaseOperator({
      kc, queue, log: log.child({ component: 'operator' }), namespaces: config.allowNamespaces,
      resyncMs: config.chartsSyncIntervalMs, debounceMs: config.debounceMs,
      onEnqueue: (reason) => metrics.enqueued.inc({ reason }),
      onWatchRestart: (resource) => metrics.watchRestarts.inc({ resource }), security: config.security,
    });
    routes.push(dashboardRoute([queue], config.dashboardToken !== undefined));
    if (!config.dashboardToken) log.warn('no --dashboard-token: the queue dashboard is read-only');
    ready = false;
    void operator.synced.then(() => { ready = true; });
    const poller = startGitChartPoller({
      releases: operator.releases, enqueue: operator.enqueue, kube, log: log.child({ component: 'git-poller' }),
      intervalMs: config.gitPollIntervalMs, defaultRef: config.gitDefaultRef, timeoutMs: config.gitTimeoutMs,
      onPoll: (result) => metrics.gitPolls.inc({ result }), security: config.security,
    });
    const gauge = setInterval(() => void queue.getJobCountByTypes('wait', 'delayed').then((n) => metrics.queueLength.set(n), () => undefined), 10_000);
    gauge.unref();
    stops.push(async () => { clearInterval(gauge); poller.stop(); await operator.stop(); await queue.close(); });
  }
  if (config.role === 'worker' || config.role === 'run') {
    // status.lastAppliedDigest is an HMAC under this installation's key, shared by every worker through a Secret
    const digestKey = await loadDigestKey(kube, config.leaderElectionNamespace);
    const redis = new Redis(connection);
    const helm = execHelmRunner({
      binary: config.helmBinary, kubeconfig: config.kubeconfig, helmHome: config.helmCacheDir,
      onRun: (verb) => metrics.helmInvocations.inc({ verb }),
    });
    const worker = startReleaseWorker({
      queueName: config.queueName, connection, redis, log: log.child({ component: 'worker' }),
      concurrency: config.concurrency, backoffBaseMs: config.retryBackoffMs,
      deps: {
        kube, helm, now: () => new Date(), log, chartCacheDir: config.chartCacheDir, security: config.security, digestKey,
        chartSources: {
          git: gitChartSource({
            kube, helm, cacheDir: config.chartCacheDir, defaultRef: config.gitDefaultRef, security: config.security,
            updateDeps: config.updateChartDeps, timeoutMs: config.gitTimeoutMs,
            // a routine reconcile reuses a mirror younger than the poll interval; the poller's chart-changed jobs,
            // new specs and refs missing from the mirror fetch at once (git-source.ts)
            minIntervalMs: config.gitPollIntervalMs,
          }),
        },
      },
      onOutcome: (outcome, seconds) => metrics.releaseDuration.observe({ outcome }, seconds),
    });
    worker.on('error', (err) => log.error({ err: err.message }, 'worker error'));
    // Workers stop first and wait for the helm runs in flight: a SIGKILL mid-upgrade is what leaves pending-*.
    stops.unshift(async () => { await worker.close(); await redis.quit(); });
  }
  return { stops, ready: () => ready, routes };
}

// The registry parts the daemon's sources share: the Redis tag cache, one rate limiter per registry host, and the
// --docker-config credentials; undefined with --registry-disable-scanning.
function imageParts(config: Config, log: Logger) {
  if (config.image.disabled) {
    log.info('--registry-disable-scanning: no image scanning or automation');
    return undefined;
  }
  let dockerConfig = new Map<string, RegistryCredentials>();
  if (config.image.dockerConfig) {
    let text: string;
    try {
      text = readFileSync(config.image.dockerConfig, 'utf8');
    } catch (err) {
      throw new ConfigError('docker-config', `cannot read ${config.image.dockerConfig}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    try {
      dockerConfig = parseDockerConfig(text, config.image.dockerConfig);
    } catch (err) {
      throw new ConfigError('docker-config', (err as Error).message);
    }
  }
  // commands fail after a few retries instead of queueing forever: a cycle without Redis fails and backs off
  const redis = new Redis({ ...redisOptions(config.redisUrl), maxRetriesPerRequest: 2 });
  redis.on('error', (err) => log.debug({ err: err.message }, 'image cache: redis error'));
  const seen = new Set<string>();
  const limiter = createRateLimiter({ rps: config.image.rps, burst: config.image.burst });
  return {
    cache: redisImageCache(redis), dockerConfig,
    limiter: { ...limiter, acquire: (host: string, signal?: AbortSignal) => { seen.add(host); return limiter.acquire(host, signal); } },
    hosts: () => [...seen],
    close: async () => { await redis.quit().catch(() => undefined); },
  };
}

async function main(): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`capstan: ${err.message}\n`);
    return 2;
  }
  const log = logger(config);
  const metrics = createMetrics();
  let roles: Awaited<ReturnType<typeof startRoles>>;
  try {
    roles = await startRoles(config, log, metrics);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`capstan: ${err.message}\n`);
    return 2;
  }
  const { stops, ready, routes } = roles;
  const server: Server = await startHttpServer({
    ...config.listen, registry: metrics.registry, ready, routes, apiToken: config.apiToken, dashboardToken: config.dashboardToken,
    warn: (message) => log.warn(message),
  });
  log.info({ listen: server.address(), queue: config.queueName }, 'started');
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  log.info('stopping');
  for (const stop of stops) await stop();
  await new Promise((resolve) => server.close(resolve));
  return 0;
}

main().then((code) => process.exit(code), (err: unknown) => {
  process.stderr.write(`capstan: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
