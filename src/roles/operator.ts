import { Queue } from 'bullmq';
import { startGitChartPoller } from '../helm/git-chart-poller.ts';
import { startReleaseOperator } from '../helm/operator.ts';
import type { ReleaseJob } from '../helm/queue/release-job.ts';
import { dashboardRoute } from '../http/dashboard.ts';
import { setConditionGauge, setQueueGauges } from '../http/releases/release-gauges.ts';
import { releasesRoute } from '../http/releases/releases-page.ts';
import { loadKubeConfig, realKubeClient } from '../kube/real-client.ts';
import { bullConnection } from '../redis/redis-client.ts';
import type { RoleContext, RunningRole } from './role.ts';

// `capstan operator`: watches HelmReleases (and what they reference) into the release queue, polls Git chart
// sources, serves the queue dashboard; ready once its watches have listed everything.
export async function startOperatorRole({ config, log, metrics }: RoleContext): Promise<RunningRole> {
  const kc = loadKubeConfig(config.kubeconfig, (verb, resource) => metrics.kubeRequests.inc({ verb, resource }));
  const kube = realKubeClient(kc);
  const bull = bullConnection(config.redis);
  const queue = new Queue<ReleaseJob>(config.queueName, { connection: bull.connection, prefix: bull.prefix });
  const operator = startReleaseOperator({
    kc, queue, log: log.child({ component: 'operator' }), namespaces: config.allowNamespaces,
    resyncMs: config.chartsSyncIntervalMs, debounceMs: config.debounceMs,
    onEnqueue: (reason) => metrics.enqueued.inc({ reason }),
    onWatchRestart: (resource) => metrics.watchRestarts.inc({ resource }), security: config.security,
  });
  const routes = [dashboardRoute([queue], config.dashboardToken !== undefined), releasesRoute({ queue, releases: operator.releases })];
  if (!config.dashboardToken) log.warn('no --dashboard-token: the queue dashboard is read-only');
  let ready = false;
  void operator.synced.then(() => { ready = true; });
  const poller = startGitChartPoller({
    releases: operator.releases, enqueue: operator.enqueue, kube, log: log.child({ component: 'git-poller' }),
    intervalMs: config.gitPollIntervalMs, defaultRef: config.gitDefaultRef, timeoutMs: config.gitTimeoutMs,
    onPoll: (result) => metrics.gitPolls.inc({ result }), security: config.security,
  });
  const gauge = setInterval(() => {
    setConditionGauge(metrics, operator.releases());
    void setQueueGauges(metrics, queue).catch(() => undefined);
  }, 5_000);
  gauge.unref();
  return {
    routes,
    ready: () => ready,
    stop: async () => { clearInterval(gauge); poller.stop(); await operator.stop(); await queue.close(); await bull.close(); },
  };
}
