// Benchmark (issue 14, 2): the same N HelmReleases (helm.fluxcd.io/v1, chart `hello` from a loopback chart
// repository) by the Helm Operator 1.4.4 (`--workers C`, built from its Go module by bench/peers/helm-operator.sh)
// and by Capstan (`--concurrency C`), beside bare `helm upgrade --install` at the same parallelism in the same run.
// Flux v2's helm-controller cannot be built here (the module proxy refuses it), so its figure is compared through
// the common floor, bare helm: 1.69× bare helm at 40 releases, --concurrent 4 (../shared/reference/peers.md).
// Flux v2's source side is measured: source-controller 1.7.2 (bench/peers/source-controller.sh) fetching the same
// chart from the same repository into one HelmChart per release, beside the chart repository requests of each.
// BENCH_SIZES (default 40), BENCH_CONCURRENCY (default 4). Run: `npm run bench:peers`.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import type { HelmRelease } from '../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { startChartRepo } from '../e2e/support/chart-repo.ts';
import { kubeConfig } from '../e2e/support/cluster.ts';
import { applyCrd } from '../e2e/support/crd.ts';
import { HELLO_CHART } from '../e2e/support/helm.ts';
import { freePort } from '../e2e/support/net.ts';
import { applySourceCrds, sourceControllerRun } from './peers/source-controller.ts';
import { bareHelm, capstanOperator, capstanReady, HELM, mib, numbers, type Operator, operatorRun } from './support/release-runs.ts';

const SIZES = numbers(process.env.BENCH_SIZES, '40');
const CONCURRENCY = numbers(process.env.BENCH_CONCURRENCY, '4');
const HELM_CONTROLLER_VS_BARE = 1.69; // measured on this machine kind, 40 releases, --concurrent 4 (peers.md)

// The Helm Operator out of cluster for one namespace, as peers.md describes it.
const helmOperator = (binary: string, workers: number) => async (namespace: string): Promise<Operator> => {
  const home = mkdtempSync(join(tmpdir(), 'bench-helm-operator-'));
  const kubectl = process.env.CAPSTAN_KUBECTL;
  const p = execa(binary, [`--kubeconfig=${process.env.KUBECONFIG}`, '--enabled-helm-versions=v3', `--workers=${workers}`,
    `--allow-namespace=${namespace}`, `--listen=127.0.0.1:${await freePort()}`], {
    reject: false, all: true, buffer: false,
    env: { HELM_CACHE_HOME: join(home, 'c'), HELM_CONFIG_HOME: join(home, 'g'), HELM_DATA_HOME: join(home, 'd'),
      PATH: `${kubectl ? `${dirname(kubectl)}:` : ''}${process.env.PATH}` },
  });
  return { pid: p.pid, stop: async () => { p.kill('SIGTERM'); await p; rmSync(home, { recursive: true, force: true }); } };
};
// The Helm Operator's view of a release done: its Released condition true.
const released = (hr: HelmRelease) => (hr.status?.conditions as Array<{ type: string; status: string }> | undefined)?.some((c) => c.type === 'Released' && c.status === 'True') === true;

// built by e2e/with-services.sh (CAPSTAN_HELM_OPERATOR), or here
const binary = process.env.CAPSTAN_HELM_OPERATOR
  ?? (await execa('bash', [new URL('./peers/helm-operator.sh', import.meta.url).pathname], { stderr: 'inherit' })).stdout.trim();
const sourceController = process.env.CAPSTAN_SOURCE_CONTROLLER
  ?? (await execa('bash', [new URL('./peers/source-controller.sh', import.meta.url).pathname], { stderr: 'inherit' })).stdout.trim();
await applyCrd(kubeConfig());
await applySourceCrds(sourceController);
const repo = await startChartRepo();
await repo.publish('0.1.0');
const dir = mkdtempSync(join(tmpdir(), 'bench-chart-'));
await execa(HELM, ['package', HELLO_CHART, '--version', '0.1.0', '--destination', dir]);
const tgz = join(dir, 'hello-0.1.0.tgz');
const rows: string[] = [];
const sources: string[] = [];
// what `run` asked of the chart repository: index reads, chart downloads
const fetched = async <T>(run: () => Promise<T>): Promise<[T, string]> => {
  const before = repo.requests.length;
  const r = await run();
  const asked = repo.requests.slice(before);
  return [r, `${asked.filter((p) => p.endsWith('index.yaml')).length} / ${asked.filter((p) => p.endsWith('.tgz')).length}`];
};
try {
  for (const n of SIZES) {
    for (const c of CONCURRENCY) {
      const bare = await bareHelm(n, c, tgz);
      const [cap, capAsked] = await fetched(() => operatorRun(n, repo.url, capstanOperator(c), capstanReady));
      const ho = await operatorRun(n, repo.url, helmOperator(binary, c), released);
      const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      rows.push(`| ${n} | ${c} | ${s(bare.ms)} | ${s(cap.ms)} (**${(cap.ms / bare.ms).toFixed(2)}×**) | ${s(ho.ms)} (${(ho.ms / bare.ms).toFixed(2)}×) | ${(ho.ms / cap.ms).toFixed(1)}× | ${(HELM_CONTROLLER_VS_BARE / (cap.ms / bare.ms)).toFixed(2)}× | ${mib(cap.selfBytes)} / ${mib(ho.selfBytes)} |`);
      console.error(rows.at(-1));
      const [src, srcAsked] = await fetched(() => sourceControllerRun(sourceController, n, c, repo.url));
      sources.push(`| ${n} | ${c} | ${s(src.ms)} | ${srcAsked} | ${Math.round(src.cpuMs)} ms | ${mib(src.rssBytes)} | ${s(cap.ms)} (whole releases) | ${capAsked} |`);
      console.error(sources.at(-1));
    }
  }
} finally {
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`## Peers: the same HelmReleases by Capstan and the Helm Operator 1.4.4, beside bare helm (${new Date().toISOString().slice(0, 10)})

Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${mib(totalmem())}. Command: \`BENCH_SIZES=${SIZES.join(',')} BENCH_CONCURRENCY=${CONCURRENCY.join(',')} npm run bench:peers\`; one run per cell.
Done: Capstan's Ready condition, the Helm Operator's Released condition. helm-controller (Flux v2) cannot be built from the module proxy: its ${HELM_CONTROLLER_VS_BARE}× bare helm (peers.md) is compared through bare helm.

| N | parallelism | bare helm | Capstan | Helm Operator 1.4.4 | Capstan faster than the Helm Operator | Capstan faster than helm-controller (via bare helm) | peak RSS Capstan / Helm Operator |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}

### Flux v2's source side: source-controller 1.7.2 on the same chart repository

One HelmRepository and one HelmChart per release (\`--concurrent\` = parallelism), timed from the HelmRepository's creation until every HelmChart is Ready with its artifact stored: the part of Flux v2's time before helm-controller runs helm. Capstan has no separate step to time: it reads the index and the chart inside each release's reconcile, from a cache of both (the index revalidated for a new spec, the tarball kept by URL and credentials), so its figure is the whole run above; both columns of requests count what the loopback chart repository served (index.yaml reads / chart downloads).

| N | parallelism | source-controller: all HelmCharts Ready | its requests: index / chart | its CPU | its peak RSS | Capstan (installs included) | Capstan's requests: index / chart |
|---|---|---|---|---|---|---|---|
${sources.join('\n')}`);
