import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { execa } from 'execa';
import { loadAll } from 'js-yaml';

// deploy/ (the kustomize base) and the chart, as a user has them in a clone.
export const DEPLOY_DIR = new URL('../../deploy', import.meta.url).pathname;
export const CHART_DIR = join(DEPLOY_DIR, 'chart', 'capstan');

// A Kubernetes object as rendered: enough shape to sort and compare.
export interface Obj { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [k: string]: unknown }

function tool(variable: 'CAPSTAN_KUBECTL' | 'CAPSTAN_HELM_BINARY'): string {
  const path = process.env[variable];
  if (!path) throw new Error(`${variable} is not set: run the e2e tests through \`npm test\` (e2e/test-all.sh)`);
  return path;
}

// The pinned kubectl; `input` goes to its standard input. Never rejects: callers read exitCode and stderr.
export const kubectl = (args: string[], input?: string) =>
  execa(tool('CAPSTAN_KUBECTL'), args, { reject: false, timeout: 60_000, ...(input === undefined ? {} : { input }) });

// The pinned helm, with private homes.
export function helm(args: string[]) {
  const home = mkdtempSync(join(tmpdir(), 'capstan-deploy-helm-'));
  const env = { HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data') };
  return execa(tool('CAPSTAN_HELM_BINARY'), args, { env, reject: false, timeout: 60_000 }).finally(() => rmSync(home, { recursive: true, force: true }));
}

// deploy/ rendered by `kubectl kustomize` through an overlay that sets `namespace` (and any other overlay fields),
// as a user's overlay of the base would.
export async function renderKustomize(namespace: string, overlay: string[] = []): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-overlay-'));
  try {
    const base = relative(dir, DEPLOY_DIR);
    writeFileSync(join(dir, 'kustomization.yaml'), [`namespace: ${JSON.stringify(namespace)}`, `resources: [${base}]`, ...overlay.map((l) => l.replaceAll('BASE', base))].join('\n'));
    const r = await kubectl(['kustomize', dir]);
    if (r.exitCode !== 0) throw new Error(`kubectl kustomize: ${r.stderr}`);
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The chart rendered by `helm template` (CRDs included) as release `release` in `namespace`.
export async function renderChart(namespace: string, args: string[] = [], release = 'capstan'): Promise<string> {
  const r = await helm(['template', release, CHART_DIR, '--namespace', namespace, '--include-crds', ...args]);
  if (r.exitCode !== 0) throw new Error(`helm template: ${r.stderr}`);
  return r.stdout;
}

// The objects of a multi-document YAML stream.
export function objects(yaml: string): Obj[] {
  return (loadAll(yaml) as Array<Obj | null>).filter((o): o is Obj => o !== null && typeof o === 'object');
}

// `kubectl apply --server-side --dry-run=server` of `yaml` in `namespace`: the API server validates and admits
// every object (schemas, RBAC escalation checks, quotas) and stores none. Conflicts with other managers are forced,
// which a dry run cannot change anything by.
export const serverDryRun = (yaml: string, namespace: string) =>
  kubectl(['apply', '--server-side', '--dry-run=server', '--force-conflicts', '--field-manager=capstan-e2e-deploy', '-n', namespace, '-f', '-'], yaml);

// A kubeconfig file that authenticates as ServiceAccount `namespace/name` with a short-lived token from the
// TokenRequest API (no impersonation: what the pod itself would present), for processes a test starts.
export async function serviceAccountKubeconfig(kc: k8s.KubeConfig, namespace: string, name: string, dir: string): Promise<string> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const tr = await core.createNamespacedServiceAccountToken({ name, namespace, body: { spec: { expirationSeconds: 3600 } } });
  const cluster = kc.getCurrentCluster();
  if (!cluster || !tr.status?.token) throw new Error(`no token for ${namespace}/${name}`);
  const ca = cluster.caData ?? (cluster.caFile ? readFileSync(cluster.caFile).toString('base64') : undefined);
  const file = join(dir, `${name}.kubeconfig`);
  writeFileSync(file, JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': name,
    clusters: [{ name: 'local', cluster: { server: cluster.server, ...(ca ? { 'certificate-authority-data': ca } : {}) } }],
    users: [{ name, user: { token: tr.status.token } }],
    contexts: [{ name, context: { cluster: 'local', user: name, namespace } }],
  }), { mode: 0o600 });
  return file;
}
