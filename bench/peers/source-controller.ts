import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { execa } from 'execa';
import { eventually, freshNamespace, kubeConfig } from '../../e2e/support/cluster.ts';
import { freePort } from '../../e2e/support/net.ts';
import { sampleRss, treeCpuMs } from '../support/proc-rss.ts';
import { pool } from '../support/release-runs.ts';
import { dropAndSettle } from '../support/settle.ts';

// Flux v2's source side of N HelmReleases, as helm-controller would have it made: source-controller 1.7.2 (built
// from its Go module by source-controller.sh) out of cluster on the local control plane, one HelmRepository on
// the loopback chart repository and one HelmChart per release (named `<namespace>-<release>`, as helm-controller
// names them), timed until every HelmChart is Ready with its artifact stored.

const kc = kubeConfig();
const GROUP = 'source.toolkit.fluxcd.io';
const VERSION = 'v1';

// What a run measured: wall ms until all HelmCharts were Ready, source-controller's CPU ms and peak RSS.
export interface SourceFigures { ms: number; cpuMs: number; rssBytes: number }

// Its CRDs (copied beside the binary by source-controller.sh), applied server-side.
export async function applySourceCrds(binary: string): Promise<void> {
  await execa(process.env.CAPSTAN_KUBECTL ?? 'kubectl', ['apply', '--server-side', '--force-conflicts', '-f', join(dirname(binary), 'crds')]);
  await execa(process.env.CAPSTAN_KUBECTL ?? 'kubectl', ['wait', '--for=condition=Established', '--timeout=60s', `crd/helmcharts.${GROUP}`, `crd/helmrepositories.${GROUP}`]);
}

// source-controller for one namespace (RUNTIME_NAMESPACE, --watch-all-namespaces=false), every address loopback.
async function start(binary: string, namespace: string, concurrent: number) {
  const storage = mkdtempSync(join(tmpdir(), 'bench-source-controller-'));
  const [store, metrics, health] = [await freePort(), await freePort(), await freePort()];
  const p = execa(binary, ['--watch-all-namespaces=false', `--concurrent=${concurrent}`, `--storage-path=${storage}`,
    `--storage-addr=127.0.0.1:${store}`, `--storage-adv-addr=127.0.0.1:${store}`, `--metrics-addr=127.0.0.1:${metrics}`,
    `--health-addr=127.0.0.1:${health}`, '--log-level=error'], {
    reject: false, all: true, buffer: false, env: { KUBECONFIG: process.env.KUBECONFIG, RUNTIME_NAMESPACE: namespace },
  });
  let out = '';
  p.all?.on('data', (chunk: Buffer) => { out = (out + chunk.toString()).slice(-20_000); });
  let exited = false;
  void p.then(() => { exited = true; });
  await eventually('source-controller to be ready', async () => {
    if (exited) throw new Error(`source-controller exited: ${out}`);
    return (await fetch(`http://127.0.0.1:${health}/readyz`).catch(() => undefined))?.ok || undefined;
  }, 90_000);
  return { pid: p.pid, stop: async () => { p.kill('SIGTERM'); await p; rmSync(storage, { recursive: true, force: true }); } };
}

// Ready=True and an artifact: the chart is stored and served, what helm-controller waits for.
const chartReady = (o: { status?: { artifact?: unknown; conditions?: Array<{ type: string; status: string }> } }) =>
  o.status?.artifact !== undefined && o.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

// Deletes the namespace's HelmCharts and HelmRepositories and waits (60 s at most) until source-controller has let
// them go.
async function release(custom: k8s.CustomObjectsApi, namespace: string): Promise<void> {
  for (const plural of ['helmcharts', 'helmrepositories']) {
    await custom.deleteCollectionNamespacedCustomObject({ group: GROUP, version: VERSION, plural, namespace }).catch(() => undefined);
    await eventually(`${plural} of ${namespace} to be gone`, async () =>
      ((await custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, plural, namespace })) as { items: unknown[] }).items.length === 0 || undefined, 60_000)
      .catch(() => undefined);
  }
}

// N HelmCharts of chart `hello` 0.1.0 from one HelmRepository at `repository`, with --concurrent c; the clock runs
// from the HelmRepository's creation until all HelmCharts are Ready.
export async function sourceControllerRun(binary: string, n: number, c: number, repository: string): Promise<SourceFigures> {
  const [ns] = await freshNamespace(kc, 'bench-source');
  const sc = await start(binary, ns, c);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const object = (kind: string, name: string, spec: Record<string, unknown>) => ({ apiVersion: `${GROUP}/${VERSION}`, kind, metadata: { name, namespace: ns }, spec });
  const roots = sc.pid ? [sc.pid] : [];
  const rss = sampleRss(() => roots);
  const cpu0 = treeCpuMs(roots);
  const t = performance.now();
  try {
    await custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'helmrepositories', namespace: ns, body: object('HelmRepository', 'hello', { url: repository, interval: '10m' }) });
    await pool(8, Array.from({ length: n }, (_, i) => () => custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'helmcharts', namespace: ns,
      body: object('HelmChart', `${ns}-r${i}`, { chart: 'hello', version: '0.1.0', sourceRef: { kind: 'HelmRepository', name: 'hello' }, interval: '10m', reconcileStrategy: 'ChartVersion' }) })));
    for (let ready = 0; ready < n;) {
      if (performance.now() - t > 1_800_000) throw new Error(`only ${ready} of ${n} HelmCharts Ready after 30 min`);
      await new Promise((r) => setTimeout(r, 100));
      const list = (await custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'helmcharts', namespace: ns })) as { items: Array<Parameters<typeof chartReady>[0]> };
      ready = list.items.filter(chartReady).length;
    }
    const ms = performance.now() - t;
    return { ms, cpuMs: treeCpuMs(roots).selfMs - cpu0.selfMs, rssBytes: rss.stop().selfBytes };
  } finally {
    rss.stop();
    await release(custom, ns); // their finalizers would keep the namespace Terminating once source-controller is gone
    await sc.stop();
    await dropAndSettle(kc, ns);
  }
}
