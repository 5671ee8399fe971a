// Benchmark: Git sync of BENCH_OBJECTS (default 500) ConfigMaps from scratch, then a no-op sync of the same
// revision, in process with the daemon's client (keep-alive connections). `bench/sync.ts` measures a real daemon.
// Run with `npm run bench` (services up), or `node bench/git-sync.ts` with KUBECONFIG set.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadKubeConfig } from '../src/kube/real-client.ts';
import { realSyncCluster } from '../src/kube/sync-cluster.ts';
import { syncSource } from '../src/sync/sync-source.ts';
import { freshNamespace, uniqueName } from '../e2e/support/cluster.ts';

const N = Number(process.env.BENCH_OBJECTS ?? 500);
const kc = loadKubeConfig(process.env.KUBECONFIG);
const [ns, dropNamespace] = await freshNamespace(kc, 'benchsync');
const root = mkdtempSync(join(tmpdir(), 'capstan-bench-sync-'));
for (let i = 0; i < N; i++) {
  writeFileSync(join(root, `cm-${i}.yaml`), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  index: "${i}"\n`);
}
let applies = 0;
const real = realSyncCluster(kc);
const cluster = { ...real, apply: (body: Record<string, unknown>, signal?: AbortSignal) => { applies++; return real.apply(body, signal); } };
const source = { id: uniqueName('bench'), root, paths: ['.'], defaultNamespace: ns, gc: { enabled: true, dryRun: false } };
const log = pino({ level: 'warn' });
try {
  const first = await syncSource(source, 'rev1', { cluster, log });
  console.log(`sync of ${N} objects from scratch: ${(first.durationMs / 1000).toFixed(2)} s (${applies} applies, complete: ${first.complete})`);
  applies = 0;
  const noop = await syncSource(source, 'rev1', { cluster, log, lastSyncedRevision: 'rev1' });
  console.log(`no-op sync of the same revision: ${(noop.durationMs / 1000).toFixed(2)} s (${applies} applies, ${noop.unchanged.length} unchanged)`);
} finally {
  rmSync(root, { recursive: true, force: true });
  await dropNamespace();
}
