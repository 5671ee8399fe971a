import type { KubeConfig } from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { SyncConfig } from '../config.ts';
import { daemonDeployKey, fluxApiRoutes } from '../fluxapi/flux-api.ts';
import { fluxSource } from '../fluxapi/flux-source.ts';
import type { Route } from '../http/http-server.ts';
import { registryHookRoute } from '../http/registry-hook.ts';
import { recordsRoute } from '../http/sync-records.ts';
import { syncTriggerRoutes } from '../http/sync-triggers.ts';
import { startImageAutomation, type ImageAutomation } from '../image/automation/automation.ts';
import { startLeaderLease, type LeaderLease } from '../kube/leader-lease.ts';
import { kubePullCredentials } from '../kube/pull-secrets.ts';
import { loadKubeConfig, realKubeClient } from '../kube/real-client.ts';
import { secretMarker } from '../kube/secret-marker.ts';
import { realSyncCluster } from '../kube/sync-cluster.ts';
import { startDaemonJobs } from '../fluxapi/jobs/daemon-jobs.ts';
import { redact } from '../redact.ts';
import { sourceObserver, stopSourceObservers } from '../notify/daemon-observers.ts';
import { startSyncDaemon, type SyncDaemon } from '../sync/daemon.ts';
import { type Decryption, startDecryption } from '../decrypt/decryption.ts';
import { type ImageParts, imageParts } from './image-parts.ts';
import type { RoleContext, RunningRole } from './role.ts';

// What every source of the daemon shares: the cluster, the registry parts (unless scanning is off) and the pull
// Secrets' reader.
interface Shared {
  readonly kc: KubeConfig;
  readonly images: ImageParts | undefined;
  readonly pullCredentials: ReturnType<typeof kubePullCredentials>;
  readonly decryption: Decryption;
}

// One Git source: its Lease (one active replica per source), its sync loop and, unless read-only, its image automation.
interface RunningSource {
  readonly lease: LeaderLease;
  readonly daemon: SyncDaemon;
  readonly automation: ImageAutomation | undefined;
}

// The Lease of a source: named after its URL, branch and paths, so replicas syncing the same thing share it.
function leaseName(source: SyncConfig): string {
  const id = createHash('sha256').update(`${source.gitUrl}#${source.gitBranch}#${source.gitPaths.join(',')}`).digest('hex');
  return `capstan-sync-${id.slice(0, 12)}`;
}

function startSource({ config, log, metrics }: RoleContext, source: SyncConfig, shared: Shared): RunningSource {
  const { kc } = shared;
  const daemonLog = log.child({ component: 'daemon', source: source.name });
  const observer = sourceObserver({ config, log: daemonLog, metrics }, source.name);
  const cluster = realSyncCluster(kc, {
    onSkipped: (path, err) => daemonLog.warn({ path, err: (err as Error).message }, 'cannot list; its objects are not garbage collected'),
  });
  let daemon: SyncDaemon | undefined;
  const lease = startLeaderLease({
    kc, namespace: config.leaderElectionNamespace, log: daemonLog, name: leaseName(source),
    onChange: (leader) => { if (leader) daemon?.syncNow(); },
  });
  const marker = config.syncState === 'secret' && config.gitSecret
    ? secretMarker(kc, config.gitSecret, source.name === 'default' ? '' : source.name) : undefined;
  daemon = startSyncDaemon({
    sync: source, cluster, log: daemonLog, gitTimeoutMs: config.gitTimeoutMs, isLeader: () => lease.isLeader(), marker,
    decryption: shared.decryption,
    onRecord: (r) => {
      metrics.syncDuration.observe({ success: String(r.complete) }, r.durationMs / 1000);
      metrics.syncApplied.inc(r.applied.length);
      metrics.syncManifests.set({ success: 'true' }, r.applied.length + r.unchanged.length);
      metrics.syncManifests.set({ success: 'false' }, r.failed.length + r.loadErrors.length);
      void observer.onRecord(r);
    },
    onFailure: (err) => {
      metrics.syncFailures.inc();
      observer.onFailure(redact(err.message, source.auth ? [source.auth] : []));
    },
  });
  const { images } = shared;
  const automation = images && !source.readonly ? startImageAutomation({
    source, image: config.image, cache: images.cache, limiter: images.limiter, dockerConfig: images.dockerConfig,
    pullCredentials: () => shared.pullCredentials.session(), gitTimeoutMs: config.gitTimeoutMs,
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
  }) : undefined;
  return { lease, daemon, automation };
}

// `capstan daemon`: syncs each Git source into the cluster and automates its images; serves the identity key,
// the sync triggers and webhooks, and the sync and image records.
export async function startDaemonRole(ctx: RoleContext): Promise<RunningRole> {
  const { config, log } = ctx;
  const kc = loadKubeConfig(config.kubeconfig, (verb, resource) => ctx.metrics.kubeRequests.inc({ verb, resource }));
  const kube = realKubeClient(kc);
  const routes: Route[] = [];
  // fluxd's flux-git-deploy: the SSH key from a Secret, for sources that name no key of their own
  // (generated into it, as fluxd did, when an ssh source has no key at all: src/fluxapi/deploy-key.ts)
  const deployKey = await daemonDeployKey({ kc, kube, config, log, dir: join(config.sync.cacheDir, 'identity') });
  const secretKey = deployKey && deployKey.origin !== 'file' ? deployKey.keyFile : undefined;
  const identity = deployKey?.keyFile;
  const images = imageParts(config, log);
  // --sops, --git-secret: keys from Secrets are written to private files under the sync cache
  const decryption = await startDecryption(config.decryption, { kube, keyDir: join(config.sync.cacheDir, 'keys'), timeoutMs: config.gitTimeoutMs });
  const shared: Shared = { kc, images, decryption, pullCredentials: kubePullCredentials(kc, (message) => log.warn({ component: 'image' }, message)) };
  const effective = config.syncSources.map((configured) => (!configured.ssh && secretKey && identity ? { ...configured, ssh: { keyFile: identity } } : configured));
  const sources = effective.map((source) => startSource(ctx, source, shared));
  const daemons = sources.map((s) => s.daemon);
  const automations = new Map<string, ImageAutomation>();
  config.syncSources.forEach((s, i) => { const a = sources[i]?.automation; if (a) automations.set(s.name, a); });
  routes.push(syncTriggerRoutes(() => { for (const d of daemons) d.syncNow(); }, config.sync.webhookSecret));
  routes.push(registryHookRoute(config.sync.webhookSecret, (repositories) => { for (const a of automations.values()) a.nudge(repositories); }));
  const safeUrl = (s: SyncConfig) => redact(s.gitUrl ?? '', s.auth ? [s.auth] : []);
  routes.push(recordsRoute('/api/capstan/v1/sync', () => config.syncSources.map((s, i) => ({ source: s.name, url: safeUrl(s), record: daemons[i]?.last(), failing: daemons[i]?.failing() }))));
  routes.push(recordsRoute('/api/capstan/v1/images', () => config.syncSources.filter((s) => automations.has(s.name))
    .map((s) => ({ source: s.name, url: safeUrl(s), record: automations.get(s.name)?.last() }))));
  // fluxctl's read verbs, identity and save: /api/flux/v6/services, /v10/images, /v9/git-repo-config, /v6/export...
  routes.push(...fluxApiRoutes({ kc, log, deployKey, cache: images?.cache, namespaces: config.allowNamespaces,
    sources: config.syncSources.flatMap((s, i) => { const d = daemons[i]; return d ? [fluxSource(s, d)] : []; }) }));
  // fluxctl's write verbs: POST /api/flux/v9/update-manifests, GET /v6/jobs and /v6/sync
  const fluxJobs = startDaemonJobs(ctx, { sources: sources.map((s, i) => ({ ...s, config: effective[i] as SyncConfig })), cache: images?.cache });
  routes.push(fluxJobs.route);
  return {
    routes,
    ready: () => true,
    stop: async () => {
      await fluxJobs.stop();
      await Promise.all([...automations.values()].map((a) => a.stop()));
      await images?.close();
      await Promise.all(daemons.map((d) => d.stop()));
      await Promise.all(sources.map((s) => s.lease.stop()));
      await stopSourceObservers(ctx.metrics);
      await decryption.close();
    },
  };
}
