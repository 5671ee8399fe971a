// Benchmark (issue 14, 1): N HelmReleases of one chart from a local chart repository, from zero to all Ready, with
// Capstan (`capstan run --concurrency C`) and, in the same run, the same N with bare `helm upgrade --install` at the
// same parallelism (the floor). Prints a markdown table: wall time, releases/s, the ratio to bare helm, peak RSS of
// Capstan's processes and, apart, of the helm children.
// BENCH_SIZES (default 40), BENCH_CONCURRENCY (default 4), BENCH_REPEAT (runs per cell, median; default 1).
// Run: `npm run bench:throughput` (brings services up), or with services up `node bench/throughput.ts`.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { startChartRepo } from '../e2e/support/chart-repo.ts';
import { kubeConfig } from '../e2e/support/cluster.ts';
import { applyCrd } from '../e2e/support/crd.ts';
import { HELLO_CHART } from '../e2e/support/helm.ts';
import { bareHelm, capstanOperator, capstanReady, HELM, median, mib, numbers, operatorRun } from './support/release-runs.ts';

const SIZES = numbers(process.env.BENCH_SIZES, '40');
const CONCURRENCY = numbers(process.env.BENCH_CONCURRENCY, '4');
const REPEAT = Number(process.env.BENCH_REPEAT ?? 1);

await applyCrd(kubeConfig());
const repo = await startChartRepo();
await repo.publish('0.1.0');
const dir = mkdtempSync(join(tmpdir(), 'bench-chart-'));
await execa(HELM, ['package', HELLO_CHART, '--version', '0.1.0', '--destination', dir]);
const tgz = join(dir, 'hello-0.1.0.tgz');
const rows: string[] = [];
try {
  for (const n of SIZES) {
    for (const c of CONCURRENCY) {
      const bare: number[] = []; const cap: number[] = []; let self = 0; let helmPeak = 0; let barePeak = 0;
      const cpu = { self: [] as number[], helm: [] as number[], bare: [] as number[], cp: [] as number[], cpBare: [] as number[] };
      for (let r = 0; r < REPEAT; r++) {
        const b = await bareHelm(n, c, tgz);
        bare.push(b.ms); barePeak = Math.max(barePeak, b.helmBytes); cpu.bare.push(b.helmCpuMs / n); cpu.cpBare.push(b.controlPlaneCpuMs / n);
        const x = await operatorRun(n, repo.url, capstanOperator(c), capstanReady);
        cap.push(x.ms); self = Math.max(self, x.selfBytes); helmPeak = Math.max(helmPeak, x.helmBytes);
        cpu.self.push(x.selfCpuMs / n); cpu.helm.push(x.helmCpuMs / n); cpu.cp.push(x.controlPlaneCpuMs / n);
      }
      const [b, x] = [median(bare), median(cap)];
      rows.push(`| ${n} | ${c} | ${(b / 1000).toFixed(1)} s | ${(x / 1000).toFixed(1)} s | ${(n / (x / 1000)).toFixed(2)} | **${(x / b).toFixed(2)}** | ${mib(self)} | ${mib(helmPeak)} (bare: ${mib(barePeak)}) | ${median(cpu.self).toFixed(0)} ms | ${median(cpu.helm).toFixed(0)} ms (bare: ${median(cpu.bare).toFixed(0)} ms) | ${median(cpu.cp).toFixed(0)} ms (bare: ${median(cpu.cpBare).toFixed(0)} ms) |`);
      console.error(rows.at(-1));
    }
  }
} finally {
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`## Throughput: N releases of one chart, zero to all Ready (${new Date().toISOString().slice(0, 10)})

Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${mib(totalmem())}. Command: \`BENCH_SIZES=${SIZES.join(',')} BENCH_CONCURRENCY=${CONCURRENCY.join(',')} BENCH_REPEAT=${REPEAT} npm run bench:throughput\`; ${REPEAT > 1 ? `median of ${REPEAT} runs per cell` : 'one run per cell'}.
Bare helm: \`helm upgrade --install\` of the packaged chart at the same parallelism. Capstan: \`capstan run --concurrency C\`, defaults otherwise (debounce 1 s), the chart from a loopback chart repository.
Between runs the run's namespace is deleted and the control plane left to settle (its HelmReleases' finalizers removed first), so no run pays for the last one's controllers; the control plane's CPU (API server, etcd, controller manager, scheduler, kwok) is counted until then.

| N | concurrency | bare helm | Capstan | Capstan releases/s | × bare helm | Capstan peak RSS | helm children peak RSS | Capstan CPU per release | helm CPU per release | control plane CPU per release |
|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}`);
