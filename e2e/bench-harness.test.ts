import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { execa } from 'execa';

// The benchmarks (bench/, issue 14) at a tiny size, so their harness cannot rot: each sets up its own data on the
// local control plane, runs every system it compares and prints its markdown table with a row of figures.
const run = (file: string, env: Record<string, string> = { BENCH_SIZES: '2', BENCH_CONCURRENCY: '2', BENCH_REPEAT: '1' }) =>
  execa('node', [new URL(`../bench/${file}`, import.meta.url).pathname], { reject: false, all: true, env, timeout: 600_000 });

describe('bench/ at a tiny size', () => {
  it('throughput: Capstan and bare helm side by side, with the ratio, peak RSS and CPU per release', async () => {
    const r = await run('throughput.ts');
    assert.equal(r.exitCode, 0, r.all);
    assert.match(r.stdout, /Machine: \d+ cores/);
    assert.match(r.stdout, /^\| 2 \| 2 \| [\d.]+ s \| [\d.]+ s \| [\d.]+ \| \*\*[\d.]+\*\* \| [1-9]\d* MiB \| \d+ MiB \(bare: [1-9]\d* MiB\) \| [1-9]\d* ms \| [1-9]\d* ms \(bare: [1-9]\d* ms\) \| [1-9]\d* ms \(bare: [1-9]\d* ms\) \|$/m, r.stdout);
  });

  it('where: the control plane\'s CPU per process and API requests per release, bare helm beside Capstan', async () => {
    const r = await run('where.ts');
    assert.equal(r.exitCode, 0, r.all);
    assert.match(r.stdout, /^\| kube-apiserver \| [1-9]\d* ms \| [1-9]\d* ms \| [+-]-?\d+ ms \|$/m, r.stdout);
    // the requests of the whole cluster (other tests share it here, so which rows differ is not asserted), summed
    assert.match(r.stdout, /^\| all \| [1-9][\d.]* \| [1-9][\d.]* \| [+-]-?[\d.]+ \|$/m, r.stdout);
  });

  it('noop-resync: a resync of Ready releases starts no helm, with CPU and API requests per release', async () => {
    const r = await run('noop-resync.ts', { BENCH_RELEASES: '3', BENCH_CONCURRENCY: '2' });
    assert.equal(r.exitCode, 0, r.all);
    assert.match(r.stdout, /Outcomes: \{"unchanged":3\}/, r.stdout);
    assert.match(r.stdout, /^\| 3 \| [\d.]+ s \| 0 \| [\d.]+ ms \| -?[\d.]+ \| [1-9]\d* MiB \|$/m, r.stdout);
  });

  it('sync: kubectl apply --server-side, capstan daemon and fluxd 1.25.4 on one repository, a no-op sync and a webhook', async () => {
    const r = await run('sync.ts', { BENCH_OBJECTS: '5', BENCH_REPEAT: '1' });
    assert.equal(r.exitCode, 0, r.all);
    assert.match(r.stdout, /Machine: \d+ cores/);
    assert.match(r.stdout, /^\| 5 \| [\d.]+ s \| [\d.]+ s \([\d.]+ s\) \| \*\*[\d.]+\*\* \| [\d.]+ s \| [\d.]+ s \(0 applies, sync [\d.]+ s, CPU \d+ ms\) \| [\d.]+ s \(1 applies, CPU \d+ ms\) \| [1-9]\d* MiB \/ [1-9]\d* MiB \|$/m, r.stdout);
  });

  it('upgrade-wave: a ConfigMap value read by every release changed, timed until all are upgraded and Ready, beside bare helm upgrade', async () => {
    const r = await run('upgrade-wave.ts', { BENCH_RELEASES: '3', BENCH_CONCURRENCY: '2' });
    assert.equal(r.exitCode, 0, r.all);
    assert.match(r.stdout, /Jobs of the wave: 3 /, r.stdout);
    assert.match(r.stdout, /^\| 3 \| 2 \| [\d.]+ s \| [\d.]+ s \| \*\*[\d.]+\*\* \| [\d.]+ \/ [\d.]+ \/ [\d.]+ \/ [\d.]+ s \| \d+ ms \/ [1-9]\d* ms \/ [1-9]\d* ms \|$/m, r.stdout);
  });

  it('peers: the Helm Operator 1.4.4 built from its Go module releases the same HelmReleases beside Capstan and bare helm; source-controller 1.7.2 fetches the chart', async () => {
    const r = await run('peers.ts');
    assert.equal(r.exitCode, 0, r.all);
    assert.match(r.stdout, /^\| 2 \| 2 \| [\d.]+ s \| [\d.]+ s \(\*\*[\d.]+×\*\*\) \| [\d.]+ s \([\d.]+×\) \| [\d.]+× \| [\d.]+× \| [1-9]\d* MiB \/ [1-9]\d* MiB \|$/m, r.stdout);
    // every HelmChart Ready with its artifact: source-controller asked the repository for the index and the chart
    assert.match(r.stdout, /^\| 2 \| 2 \| [\d.]+ s \| [1-9]\d* \/ [1-9]\d* \| \d+ ms \| [1-9]\d* MiB \| [\d.]+ s \(whole releases\) \| \d+ \/ \d+ \|$/m, r.stdout);
  });

  it('scan: a capstan daemon scans 3 repositories x 5 tags; image metadata only for glob tags, then 1 request per repository', async () => {
    const r = await run('scan.ts', { BENCH_REPOS: '3', BENCH_TAGS: '5', BENCH_CYCLES: '2' });
    assert.equal(r.exitCode, 0, r.all);
    assert.match(r.stdout, /Machine: \d+ cores/);
    // 3 tag lists, and a manifest and a config for each tag of the 2 repositories with a glob filter
    assert.match(r.stdout, /^\| first scan \| [\d.]+ s \| [\d.]+ s \| 23 \(3 \/ 10 \/ 10\) \| 7\.67 \| 0 \| [1-9]\d* ms \|$/m, r.stdout);
    assert.match(r.stdout, /^\| nothing new \(median of 2\) \| [\d.]+ s \| [\d.]+ s \| 3 \(3 \/ 0 \/ 0\) \| 1\.00 \| 0 \| \d+ ms \|$/m, r.stdout);
  });
});
