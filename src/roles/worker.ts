import { gitChartSource } from '../helm/chart/git-source.ts';
import { loadDigestKey } from '../helm/digest-key.ts';
import { driftCounter } from '../helm/drift/drift-metric.ts';
import { execHelmRunner } from '../helm/runner.ts';
import { slottedRunner } from '../helm/helm-slots.ts';
import { releaseJobsAtOnce } from '../helm/release-concurrency.ts';
import { startReleaseWorker } from '../helm/worker.ts';
import { releaseObservers, releaseSucceeded } from '../notify/worker-observers.ts';
import { realDriftProbe } from '../kube/drift-probe.ts';
import { loadKubeConfig, realKubeClient } from '../kube/real-client.ts';
import { bullConnection, connectRedis } from '../redis/redis-client.ts';
import type { RoleContext, RunningRole } from './role.ts';

// `capstan worker`: runs release jobs from the queue with the real helm; stopping waits for the helm runs in flight.
export async function startWorkerRole({ config, log, metrics }: RoleContext): Promise<RunningRole> {
  const kc = loadKubeConfig(config.kubeconfig, (verb, resource) => metrics.kubeRequests.inc({ verb, resource }));
  const kube = realKubeClient(kc);
  // status.lastAppliedDigest is an HMAC under this installation's key, shared by every worker through a Secret
  const digestKey = await loadDigestKey(kube, config.leaderElectionNamespace);
  const bull = bullConnection(config.redis);
  const redis = connectRedis(config.redis);
  const observers = releaseObservers({ config, log, metrics });
  const helm = execHelmRunner({
    binary: config.helmBinary, kubeconfig: config.kubeconfig, helmHome: config.helmCacheDir,
    onRun: (verb) => metrics.helmInvocations.inc({ verb }),
  });
  const worker = startReleaseWorker({
    queueName: config.queueName, connection: bull.connection, prefix: bull.prefix, redis, log: log.child({ component: 'worker' }),
    concurrency: releaseJobsAtOnce(config.concurrency), backoffBaseMs: config.retryBackoffMs,
    deps: {
      kube: observers.kube(kube), helm: slottedRunner(observers.helm(helm), config.concurrency), now: () => new Date(), log, chartCacheDir: config.chartCacheDir, security: config.security, digestKey,
      drift: { probe: realDriftProbe(kc), onDetected: driftCounter(metrics.registry) },
      chartSources: {
        repositories: config.helmRepositories, plainHttpRegistries: config.image.insecureHosts,
        git: gitChartSource({
          kube, helm, cacheDir: config.chartCacheDir, defaultRef: config.gitDefaultRef, security: config.security,
          updateDeps: config.updateChartDeps, timeoutMs: config.gitTimeoutMs,
          // a routine reconcile reuses a mirror younger than the poll interval; the poller's chart-changed jobs,
          // new specs and refs missing from the mirror fetch at once (git-source.ts)
          minIntervalMs: config.gitPollIntervalMs,
        }),
      },
    },
    onOutcome: (outcome, seconds) => metrics.releaseDuration.observe({ outcome, success: String(releaseSucceeded(outcome)) }, seconds),
  });
  worker.on('error', (err) => log.error({ err: err.message }, 'worker error'));
  worker.on('active', observers.onActive);
  return { routes: [], ready: () => true, stop: async () => { await worker.close(); await observers.stop(); await bull.close(); await redis.quit(); } };
}
