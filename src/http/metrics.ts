import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const BUCKETS = [1, 5, 10, 30, 60, 120, 180, 300, 600, 1800]; // the Helm Operator's

// Capstan's metrics, named as the Helm Operator's where the meaning is the same (flux_helm_operator_*).
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    helmInvocations: new Counter({ name: 'capstan_helm_invocations_total', help: 'helm processes started, by verb', labelNames: ['verb'], registers: [registry] }),
    releaseDuration: new Histogram({
      name: 'flux_helm_operator_release_duration_seconds', help: 'Duration of a release reconcile, by outcome',
      labelNames: ['outcome', 'success'], buckets: BUCKETS, registers: [registry],
    }),
    releaseActionDuration: new Histogram({
      name: 'flux_helm_operator_release_action_duration_seconds', help: 'Duration of one helm action of a release (install, upgrade, rollback, test, uninstall), by outcome',
      labelNames: ['action', 'success'], buckets: BUCKETS, registers: [registry],
    }),
    releaseCondition: new Gauge({
      name: 'flux_helm_operator_release_condition_info', help: 'Conditions of each HelmRelease: 1 True, 0 Unknown, -1 False',
      labelNames: ['target_namespace', 'release_name', 'condition'], registers: [registry],
    }),
    queueWait: new Histogram({
      name: 'capstan_release_queue_wait_seconds', help: 'Time a release job waited in the queue (after its debounce) before a worker took it, first attempts only',
      buckets: [0.1, 0.5, 1, 5, 10, 30, 60, 300], registers: [registry],
    }),
    jobsByState: new Gauge({ name: 'capstan_release_jobs', help: 'Release jobs in the queue, by BullMQ state', labelNames: ['state'], registers: [registry] }),
    events: new Counter({ name: 'capstan_events_total', help: 'Kubernetes Events, by what the recorder did: created, updated (count), dropped (spam filter), error', labelNames: ['result'], registers: [registry] }),
    notifications: new Counter({ name: 'capstan_notifications_total', help: 'Notification deliveries, by sink (webhook, slack) and result (delivered, retried, failed, dropped)', labelNames: ['sink', 'result'], registers: [registry] }),
    enqueued: new Counter({ name: 'capstan_release_enqueued_total', help: 'Release jobs enqueued, by reason', labelNames: ['reason'], registers: [registry] }),
    kubeRequests: new Counter({ name: 'capstan_kube_requests_total', help: 'Requests to the Kubernetes API (watches aside), by verb and resource', labelNames: ['verb', 'resource'], registers: [registry] }),
    watchRestarts: new Counter({ name: 'capstan_watch_restarts_total', help: 'Watches restarted after an error, by resource', labelNames: ['resource'], registers: [registry] }),
    gitPolls: new Counter({ name: 'capstan_git_chart_polls_total', help: 'ls-remote polls of Git chart sources, by result', labelNames: ['result'], registers: [registry] }),
    syncDuration: new Histogram({
      name: 'flux_daemon_sync_duration_seconds', help: 'Duration of a Git sync, by whether every object applied',
      labelNames: ['success'], buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300], registers: [registry],
    }),
    syncManifests: new Gauge({ name: 'flux_daemon_sync_manifests', help: 'Objects in the last sync, by outcome', labelNames: ['success'], registers: [registry] }),
    syncApplied: new Counter({ name: 'capstan_sync_applied_total', help: 'Objects server-side applied by Git sync', registers: [registry] }),
    syncFailures: new Counter({ name: 'capstan_sync_cycle_failures_total', help: 'Sync cycles that could not read Git or list the cluster', registers: [registry] }),
    registryRequests: new Counter({ name: 'capstan_registry_requests_total', help: 'Requests to container registries, by host, kind and status', labelNames: ['host', 'kind', 'status'], registers: [registry] }),
    registryRate: new Gauge({ name: 'capstan_registry_rate_limit', help: 'Requests per second currently allowed to a registry host (halved on 429)', labelNames: ['host'], registers: [registry] }),
    automationCycles: new Counter({ name: 'capstan_image_automation_cycles_total', help: 'Image automation cycles, by result', labelNames: ['result'], registers: [registry] }),
    imageUpdates: new Counter({ name: 'capstan_image_updates_total', help: 'Container images updated in Git by automation', registers: [registry] }),
    queueLength: new Gauge({ name: 'flux_helm_operator_release_queue_length_count', help: 'Release jobs waiting or delayed', registers: [registry] }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
