import { Counter, type Registry } from 'prom-client';

// `capstan_helm_release_drift_total{namespace,name}`: drift checks that found objects of a HelmRelease's release
// changed or deleted in the cluster. A counter, not a gauge: with drift detection warn it grows on every resync
// while the drift lasts (alert on `increase(...[10m]) > 0`); with enabled each correction counts once.
export function driftCounter(registry: Registry): (namespace: string, name: string) => void {
  const counter = new Counter({
    name: 'capstan_helm_release_drift_total', help: 'Drift checks that found objects of a release changed or deleted in the cluster, by HelmRelease',
    labelNames: ['namespace', 'name'], registers: [registry],
  });
  return (namespace, name) => counter.inc({ namespace, name });
}
