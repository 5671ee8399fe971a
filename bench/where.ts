// Benchmark (issue 14): where the control plane's extra time goes when Capstan releases in place of bare helm. N
// releases at parallelism C, once with bare `helm upgrade --install`, once with `capstan run` (as bench:throughput
// runs them, settling included): the CPU of each control-plane process per release, and the API server's requests
// per release by verb and resource, where the two differ. BENCH_SIZES (N, default 100), BENCH_CONCURRENCY (C,
// default 4). Run: `npm run bench:where`.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { startChartRepo } from '../e2e/support/chart-repo.ts';
import { kubeConfig } from '../e2e/support/cluster.ts';
import { applyCrd } from '../e2e/support/crd.ts';
import { HELLO_CHART } from '../e2e/support/helm.ts';
import { apiRequestsBy, controlPlanePids, cpuMsByName } from './support/control-plane.ts';
import { bareHelm, capstanOperator, capstanReady, HELM, mib, numbers, operatorRun, type RunFigures } from './support/release-runs.ts';

const N = numbers(process.env.BENCH_SIZES, '100')[0] ?? 100;
const C = numbers(process.env.BENCH_CONCURRENCY, '4')[0] ?? 4;

const perRelease = (before: Map<string, number>, after: Map<string, number>) =>
  new Map([...after].map(([k, v]) => [k, (v - (before.get(k) ?? 0)) / N]));

interface Measured { figures: RunFigures; cpu: Map<string, number>; requests: Map<string, number> }
async function measure(run: () => Promise<RunFigures>): Promise<Measured> {
  const pids = controlPlanePids();
  const [cpu0, req0] = [cpuMsByName(pids), await apiRequestsBy()];
  const figures = await run();
  return { figures, cpu: perRelease(cpu0, cpuMsByName(pids)), requests: perRelease(req0, await apiRequestsBy()) };
}

await applyCrd(kubeConfig());
const repo = await startChartRepo();
await repo.publish('0.1.0');
const dir = mkdtempSync(join(tmpdir(), 'bench-chart-'));
await execa(HELM, ['package', HELLO_CHART, '--version', '0.1.0', '--destination', dir]);
try {
  const bare = await measure(() => bareHelm(N, C, join(dir, 'hello-0.1.0.tgz')));
  const capstan = await measure(() => operatorRun(N, repo.url, capstanOperator(C), capstanReady));
  const ms = (v: number | undefined) => `${(v ?? 0).toFixed(0)} ms`;
  const row = (name: string, b: number, x: number, unit: (v: number) => string) => `| ${name} | ${unit(b)} | ${unit(x)} | ${x - b >= 0 ? '+' : ''}${unit(x - b)} |`;
  const processesRows = [...new Set([...bare.cpu.keys(), ...capstan.cpu.keys()])]
    .map((p) => [p, bare.cpu.get(p) ?? 0, capstan.cpu.get(p) ?? 0] as const).sort((a, b) => b[2] - a[2])
    .map(([p, b, x]) => row(p, b, x, ms));
  const count = (v: number) => v.toFixed(1);
  const requestRows = [...new Set([...bare.requests.keys(), ...capstan.requests.keys()])]
    .map((k) => [k, bare.requests.get(k) ?? 0, capstan.requests.get(k) ?? 0] as const)
    .filter(([, b, x]) => Math.abs(x - b) >= 0.5).sort((a, b) => (b[2] - b[1]) - (a[2] - a[1]))
    .map(([k, b, x]) => row(`\`${k}\``, b, x, count));
  const total = (m: Map<string, number>) => [...m.values()].reduce((s, v) => s + v, 0);
  console.log(`## Where the control plane's time goes: bare helm and Capstan, ${N} releases at parallelism ${C} (${new Date().toISOString().slice(0, 10)})

Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${mib(totalmem())}. Command: \`BENCH_SIZES=${N} BENCH_CONCURRENCY=${C} npm run bench:where\`; one run each, settling included (as bench:throughput).
Wall time: bare helm ${(bare.figures.ms / 1000).toFixed(1)} s, Capstan ${(capstan.figures.ms / 1000).toFixed(1)} s; Capstan's own CPU ${ms(capstan.figures.selfCpuMs / N)} per release, helm's ${ms(capstan.figures.helmCpuMs / N)} (bare: ${ms(bare.figures.helmCpuMs / N)}).

| control-plane process | CPU per release, bare helm | Capstan | difference |
|---|---|---|---|
${processesRows.join('\n')}
${row('all', total(bare.cpu), total(capstan.cpu), ms)}

| API requests per release (verb, resource), where they differ by 0.5 or more | bare helm | Capstan | difference |
|---|---|---|---|
${requestRows.join('\n')}
${row('all', total(bare.requests), total(capstan.requests), count)}`);
} finally {
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
}
