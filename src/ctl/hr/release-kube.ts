import * as k8s from '@kubernetes/client-node';
import { GROUP, type HelmRelease, PLURAL, VERSION } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { helmStorageSelector } from '../../kube/helm-storage-selector.ts';
import { realKubeClient, statusCode } from '../../kube/real-client.ts';
import type { KubeClient } from '../../kube/client.ts';
import { CtlError, ExitCode } from '../exit.ts';

// What the HelmRelease verbs do in the cluster, with the user's kubeconfig and RBAC.
export interface ReleaseKube {
  // `-n`, else the kubeconfig context's namespace, else "default".
  readonly namespace: string;
  get(namespace: string, name: string): Promise<HelmRelease>;
  list(namespace: string | undefined): Promise<HelmRelease[]>;
  // A JSON merge patch of the HelmRelease (metadata.annotations, spec.suspend).
  patch(namespace: string, name: string, body: unknown): Promise<HelmRelease>;
  // `data.release` of each Helm storage Secret of a release.
  storage(namespace: string, release: string): Promise<Array<{ name: string; release: string }>>;
  // The live object, or undefined; and what a server-side apply of `obj` would make of it (dry run).
  live(obj: k8s.KubernetesObject): Promise<k8s.KubernetesObject | undefined>;
  dryRunApply(obj: k8s.KubernetesObject): Promise<k8s.KubernetesObject>;
  // The KubeClient the worker's chart and values code reads through (ConfigMaps, Secrets).
  readonly client: KubeClient;
}

const MERGE = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

// A Kubernetes API failure as a CtlError: not found or unreachable exit 3, refused (403, …) exit 1.
export function kubeError(err: unknown, what: string): CtlError {
  const code = statusCode(err);
  if (code === 404) return new CtlError(`${what}: not found`, ExitCode.unreachable, { cause: err });
  if (code !== undefined) {
    const body = (err as { body?: unknown }).body;
    const message = typeof body === 'string' ? ((JSON.parse(body) as { message?: string }).message ?? body) : (err as Error).message;
    return new CtlError(`${what}: ${code}: ${message}`, ExitCode.failed, { cause: err });
  }
  return new CtlError(`${what}: the Kubernetes API cannot be reached: ${(err as Error).message}`, ExitCode.unreachable, { cause: err });
}

async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw kubeError(err, what);
  }
}

// The kubeconfig of --kubeconfig, else KUBECONFIG, else ~/.kube/config (or in-cluster), with --context.
export function loadUserKubeConfig(opts: { kubeconfig?: string; context?: string }, env: NodeJS.ProcessEnv): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  const file = opts.kubeconfig ?? env.KUBECONFIG?.split(':')[0];
  try {
    if (file) kc.loadFromFile(file);
    else kc.loadFromDefault();
  } catch (err) {
    throw new CtlError(`kubeconfig ${file ?? '(default)'}: ${(err as Error).message}`, ExitCode.usage, { cause: err });
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) throw new CtlError(`--context: no context "${opts.context}" in the kubeconfig`, ExitCode.usage);
    kc.setCurrentContext(opts.context);
  }
  return kc;
}

// The ReleaseKube of a kubeconfig; `namespace` from -n.
export function releaseKube(kc: k8s.KubeConfig, namespace: string | undefined): ReleaseKube {
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  const ref = (ns: string) => ({ group: GROUP, version: VERSION, plural: PLURAL, namespace: ns });
  const describe = (o: k8s.KubernetesObject) => `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;
  return {
    namespace: namespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default',
    client: realKubeClient(kc, 'capstan-ctl'),
    get: (ns, name) => call(`HelmRelease ${ns}/${name}`, async () => (await custom.getNamespacedCustomObject({ ...ref(ns), name })) as HelmRelease),
    list: (ns) => call(`HelmReleases${ns ? ` in ${ns}` : ''}`, async () => ((ns
      ? await custom.listNamespacedCustomObject(ref(ns))
      : await custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL })) as { items: HelmRelease[] }).items),
    patch: (ns, name, body) => call(`HelmRelease ${ns}/${name}`, async () =>
      (await custom.patchNamespacedCustomObject({ ...ref(ns), name, body, fieldManager: 'capstan-ctl' }, MERGE)) as HelmRelease),
    storage: (ns, release) => call(`Helm storage of ${ns}/${release}`, async () =>
      (await core.listNamespacedSecret({ namespace: ns, labelSelector: helmStorageSelector(release) })).items
        .map((s) => ({ name: s.metadata?.name ?? '', release: s.data?.release ?? '' }))),
    live: (obj) => call(describe(obj), async () => {
      try {
        return await objects.read({ apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name: obj.metadata?.name, namespace: obj.metadata?.namespace } } as never);
      } catch (err) {
        if (statusCode(err) === 404) return undefined;
        throw err;
      }
    }),
    dryRunApply: (obj) => call(describe(obj), () => objects.patch(obj, undefined, 'All', 'helm', true, k8s.PatchStrategy.ServerSideApply)),
  };
}
