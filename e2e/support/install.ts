import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { dump, load } from 'js-yaml';
import { DEPLOY_DIR, kubectl, type Obj, objects } from './deploy.ts';

// The namespace deploy/ installs into (kustomization.yaml's `namespace`).
export const DEPLOY_NAMESPACE = 'capstan';

// What `kubectl apply -k deploy/` would apply: `kubectl kustomize deploy/` of the base itself, no overlay.
export async function renderDeploy(): Promise<Obj[]> {
  const r = await kubectl(['kustomize', DEPLOY_DIR]);
  if (r.exitCode !== 0) throw new Error(`kubectl kustomize deploy/: ${r.stderr}`);
  return objects(r.stdout);
}

// The CRD file every e2e test applies to the shared cluster (e2e/support/crd.ts).
export const crdFile = (): Obj => load(readFileSync(join(DEPLOY_DIR, 'crds', 'helmreleases.helm.fluxcd.io.yaml'), 'utf8')) as Obj;

// deploy/'s objects made unique for one run on a shared cluster, and nothing more: namespace `capstan` becomes
// `namespace` (the Namespace, every namespaced object, the bindings' subjects), ClusterRoles and ClusterRoleBindings
// (and the roleRefs) get `suffix`; the CRD is left out (the caller checks it equals what the cluster has).
export function uniqueInstall(objs: Obj[], namespace: string, suffix: string): Obj[] {
  const move = (ns: unknown) => (ns === DEPLOY_NAMESPACE ? namespace : ns);
  return objs.filter((o) => o.kind !== 'CustomResourceDefinition').map((o) => {
    const c = structuredClone(o);
    if (c.kind === 'Namespace' && c.metadata.name === DEPLOY_NAMESPACE) c.metadata.name = namespace;
    if (c.metadata.namespace !== undefined) c.metadata.namespace = move(c.metadata.namespace) as string;
    if (c.kind === 'ClusterRole' || c.kind === 'ClusterRoleBinding') c.metadata.name += suffix;
    if (c.kind === 'ClusterRoleBinding') {
      const b = c as unknown as k8s.V1ClusterRoleBinding;
      b.roleRef.name += suffix;
      for (const s of b.subjects ?? []) s.namespace = move(s.namespace) as string | undefined;
    }
    return c;
  });
}

// `kubectl apply --server-side` of `objs`, for real.
export async function applyForReal(objs: Obj[]): Promise<void> {
  const r = await kubectl(['apply', '--server-side', '--field-manager=capstan-e2e-install', '-f', '-'], objs.map((o) => dump(o)).join('---\n'));
  if (r.exitCode !== 0) throw new Error(`kubectl apply --server-side: ${r.stderr}`);
}

// Which of `names` ("kind/name", in `namespace` for namespaced kinds) the API server does not have; [] when all are there.
export async function missing(namespace: string, names: string[]): Promise<string[]> {
  const r = await kubectl(['get', '-n', namespace, ...names, '-o', 'name']);
  // `-o name` prints kind.group/name: the group dropped, as `names` are written.
  const found = new Set(r.stdout.split('\n').map((l) => l.replace(/^([a-z]+)[^/]*\//, '$1/')));
  return names.filter((n) => !found.has(n));
}

// The objects each install makes, named after `prefix` (`capstan` for deploy/, the release for the chart), with
// `cluster(role)` the name of a role's ClusterRole and ClusterRoleBinding.
export function installedNames(prefix: string, cluster: (role: string) => string): string[] {
  const roles = ['daemon', 'operator', 'worker'];
  return [
    ...roles.flatMap((r) => [`deployment/${prefix}-${r}`, `serviceaccount/${prefix}-${r}`, `poddisruptionbudget/${prefix}-${r}`,
      `clusterrole/${cluster(r)}`, `clusterrolebinding/${cluster(r)}`]),
    `deployment/${prefix}-redis`, `service/${prefix}-redis`, `networkpolicy/${prefix}`, `networkpolicy/${prefix}-redis`,
    `secret/${prefix}-git-deploy`, `secret/${prefix}-redis-url`,
  ];
}

// How an installed Deployment runs its role, for running it out of cluster: the role, its flags, and its
// ServiceAccount.
export async function roleOf(kc: k8s.KubeConfig, namespace: string, name: string): Promise<{ role: string; flags: string[]; serviceAccount: string }> {
  const d = await kc.makeApiClient(k8s.AppsV1Api).readNamespacedDeployment({ namespace, name });
  const [role = '', ...flags] = d.spec?.template.spec?.containers[0]?.args ?? [];
  return { role, flags, serviceAccount: d.spec?.template.spec?.serviceAccountName ?? '' };
}

// Names of installed Deployments in `namespace` not yet rolled out (kwok runs their pods); [] when all are.
export async function notRolledOut(kc: k8s.KubeConfig, namespace: string, names: string[]): Promise<string[]> {
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const ready = await Promise.all(names.map(async (name) => {
    const d = await apps.readNamespacedDeployment({ namespace, name });
    return (d.status?.availableReplicas ?? 0) === d.spec?.replicas && d.status?.observedGeneration === d.metadata?.generation;
  }));
  return names.filter((_, i) => !ready[i]);
}
