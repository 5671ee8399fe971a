import * as k8s from '@kubernetes/client-node';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { GROUP, PLURAL, VERSION, releaseKey, type HelmRelease } from '../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { watchResource, type Watched } from '../kube/informer.ts';
import { SECURE_DEFAULTS, type SecurityConfig } from '../security-config.ts';
import { watchMetadata } from '../kube/metadata-informer.ts';
import { withoutBookkeeping } from '../kube/projected-watch.ts';
import { EnqueueReason, releaseJobOptions, type ReleaseJob } from './queue/release-job.ts';
import { changeReason, seenRelease, type SeenRelease } from './reconcile-request.ts';
import { referencedSources } from './values/referenced-sources.ts';

// The field selector of every Secret but Helm's storage (type helm.sh/release.v1).
const NOT_HELM_STORAGE = 'type!=helm.sh/release.v1';

// Settings of the producer; defaults: all namespaces, resync 3m (--charts-sync-interval), debounce 1s.
export interface OperatorOptions {
  kc: k8s.KubeConfig;
  queue: Queue<ReleaseJob>;
  log: Logger;
  namespaces?: readonly string[];
  resyncMs?: number;
  debounceMs?: number;
  onEnqueue?: (reason: string) => void;
  onWatchRestart?: (resource: string) => void;
  // What a HelmRelease may reference: only its own namespace unless allowCrossNamespaceRefs. Default SECURE_DEFAULTS.
  security?: SecurityConfig;
}

export interface ReleaseOperator {
  stop(): Promise<void>;
  synced: Promise<void>;
  // The HelmReleases in the watch cache, and the way to enqueue one (for other triggers, e.g. Git charts).
  releases(): HelmRelease[];
  enqueue(hr: HelmRelease, reason: string): void;
}

// Watches HelmReleases (and the ConfigMaps/Secrets they read) and enqueues one job per release: on create, on a
// spec change or deletion (generation moved), when a referenced ConfigMap/Secret changes, at start-up and on
// every resync. Status-only updates are ignored. Job data is identity and reason only.
export function startReleaseOperator(opts: OperatorOptions): ReleaseOperator {
  const custom = opts.kc.makeApiClient(k8s.CustomObjectsApi);
  const scopes: ReadonlyArray<string | undefined> = opts.namespaces?.length ? opts.namespaces : [undefined];
  const seen = new Map<string, SeenRelease>(); // key → generation, deletion, reconcile request: to tell changes from status updates

  const enqueue = (hr: HelmRelease, reason: string): void => {
    const key = releaseKey(hr);
    opts.onEnqueue?.(reason);
    opts.queue.add(key, { namespace: hr.metadata.namespace, name: hr.metadata.name, reason }, releaseJobOptions(key, opts.debounceMs ?? 1000, reason))
      .catch((err: unknown) => opts.log.error({ key, err: (err as Error).message }, 'cannot enqueue release'));
  };
  const onRelease = (event: string, hr: HelmRelease): void => {
    const key = releaseKey(hr);
    if (event === 'delete') return void seen.delete(key);
    const before = seen.get(key);
    const now = seenRelease(hr);
    seen.set(key, now);
    const change = before && changeReason(before, now);
    if (before === undefined) enqueue(hr, EnqueueReason.Created);
    else if (change) enqueue(hr, change);
    else if (isReady(hr)) {
      // a status update that made this release Ready: the releases waiting on it (dependsOn) go now
      for (const other of allReleases()) if (!isReady(other) && dependsOn(other, hr)) enqueue(other, EnqueueReason.DependencyReady);
    }
  };
  const isReady = (hr: HelmRelease) => hr.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
  const dependsOn = (hr: HelmRelease, dep: HelmRelease) =>
    (hr.spec.dependsOn ?? []).some((d) => d.name === dep.metadata.name && (d.namespace ?? hr.metadata.namespace) === dep.metadata.namespace);

  // Custom objects arrive as plain JSON (timestamps as strings), hence the casts to HelmRelease.
  const releases: Array<Watched<k8s.KubernetesObject>> = scopes.map((ns) => watchResource<k8s.KubernetesObject>({
    kc: opts.kc, log: opts.log, onEvent: (event, obj) => onRelease(event, obj as unknown as HelmRelease),
    onRestart: () => opts.onWatchRestart?.('helmreleases'), project: withoutBookkeeping,
    path: ns ? `/apis/${GROUP}/${VERSION}/namespaces/${ns}/${PLURAL}` : `/apis/${GROUP}/${VERSION}/${PLURAL}`,
    list: async () => (ns
      ? await custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, namespace: ns })
      : await custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL })) as k8s.KubernetesListObject<k8s.KubernetesObject>,
  }));
  const allReleases = (): HelmRelease[] => releases.flatMap((w) => w.list() as unknown as HelmRelease[]);

  const onSource = (kind: 'ConfigMap' | 'Secret') => (_event: string, obj: k8s.KubernetesObject): void => {
    const ref = `${kind}/${obj.metadata?.namespace}/${obj.metadata?.name}`;
    for (const hr of allReleases()) if (referencedSources(hr, opts.security ?? SECURE_DEFAULTS).has(ref)) enqueue(hr, EnqueueReason.ValuesSourceChanged);
  };
  // Metadata only (PartialObjectMetadata): a change is told by the resource version, and no Secret's data (nor
  // any ConfigMap's) of any namespace is ever held in this process. Helm's storage Secrets (one per revision of
  // every release, rewritten by each helm run) are no values source: the API server leaves them out.
  const sources = scopes.flatMap((ns) => [
    watchMetadata({
      kc: opts.kc, log: opts.log, onEvent: onSource('ConfigMap'), onRestart: () => opts.onWatchRestart?.('configmaps'),
      path: ns ? `/api/v1/namespaces/${ns}/configmaps` : '/api/v1/configmaps',
      list: (core) => (ns ? core.listNamespacedConfigMap({ namespace: ns }) : core.listConfigMapForAllNamespaces()),
    }),
    watchMetadata({
      kc: opts.kc, log: opts.log, onEvent: onSource('Secret'), onRestart: () => opts.onWatchRestart?.('secrets'),
      path: ns ? `/api/v1/namespaces/${ns}/secrets` : '/api/v1/secrets', fieldSelector: NOT_HELM_STORAGE,
      list: (core) => (ns ? core.listNamespacedSecret({ namespace: ns, fieldSelector: NOT_HELM_STORAGE }) : core.listSecretForAllNamespaces({ fieldSelector: NOT_HELM_STORAGE })),
    }),
  ]);

  const synced = Promise.all([...releases, ...sources].map((w) => w.synced)).then(() => {
    // Losing Redis loses no data: every release is enqueued at start-up.
    for (const hr of allReleases()) {
      seen.set(releaseKey(hr), seenRelease(hr));
      enqueue(hr, EnqueueReason.Startup);
    }
  });
  const resync = setInterval(() => {
    for (const hr of allReleases()) enqueue(hr, EnqueueReason.Resync);
  }, opts.resyncMs ?? 180_000);
  resync.unref();

  return {
    synced,
    releases: allReleases,
    enqueue,
    async stop() {
      clearInterval(resync);
      await Promise.all([...releases, ...sources].map((w) => w.stop()));
    },
  };
}
