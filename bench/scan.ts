// Benchmark (issue 14, 6): image scan. BENCH_REPOS (default 200) repositories × BENCH_TAGS (default 100) tags on
// Debian's docker-registry on loopback, watched as a user would: a `capstan daemon` whose Git repository holds one
// automated Deployment per repository (replicas 0; half with a time-ordered glob filter, whose tags need each
// image's created time, half semver), all already at their newest tag so no cycle commits. Requests are counted
// at the registry, by a counting loopback proxy in front of it. Prints the first scan (cold cache) and scans with
// nothing new (BENCH_CYCLES, default 3; target: 1 request per repository): the cycle's wall time from the daemon's
// log, the registry's busy span (first to last request), requests by kind and Capstan's CPU. BENCH_RPS (default
// 1000) is passed as --registry-rps: at the default 50 per second the first scan is paced at requests/50 s.
// BENCH_AUTH=basic puts the registry behind htpasswd Basic auth, the login given by --docker-config.
// Run: `npm run bench:scan`.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { startCapstan } from '../e2e/support/capstan.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from '../e2e/support/cluster.ts';
import { git, startGitServer } from '../e2e/support/git-server.ts';
import { startRegistry } from '../e2e/support/registry.ts';
import { type ProxiedRequest, startRegistryProxy } from '../e2e/support/registry-proxy.ts';
import { treeCpuMs } from './support/proc-rss.ts';
import { median, mib } from './support/release-runs.ts';
import { seedRegistry } from './support/seed-registry.ts';

const REPOS = Number(process.env.BENCH_REPOS ?? 200);
const TAGS = Number(process.env.BENCH_TAGS ?? 100);
const CYCLES = Number(process.env.BENCH_CYCLES ?? 3);
const RPS = Number(process.env.BENCH_RPS ?? 1000);
const AUTH = process.env.BENCH_AUTH === 'basic' ? { username: 'bench', password: randomBytes(16).toString('hex') } : undefined;
const INTERVAL_S = 5;
const KINDS = { tags: /\/tags\/list/, manifest: /\/manifests\//, blob: /\/blobs\// } as const;

const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
const load0 = load();
const kc = kubeConfig();
const [ns, dropNamespace] = await freshNamespace(kc, 'bench-scan');
// the registry's storage on tmpfs when there is one: a few hundred thousand small files, made and removed fast
const reg = await startRegistry({ ...(existsSync('/dev/shm') && { tmp: '/dev/shm' }), ...(AUTH && { auth: AUTH }) });
const proxy = await startRegistryProxy(reg);
const secrets = mkdtempSync(join(tmpdir(), 'capstan-bench-scan-'));
const server = await startGitServer();
let daemon: Awaited<ReturnType<typeof startCapstan>> | undefined;
try {
  const t0 = performance.now();
  const tags = Array.from({ length: TAGS }, (_, t) => `1.0.${t}`);
  const seedRequests = await seedRegistry(reg, { prefix: 'app', repositories: REPOS, tags, created: (t) => new Date(Date.UTC(2026, 0, 1, 0, 0, t)) });
  const setupMs = performance.now() - t0;
  const url = await server.createRepo('scan');
  const work = await server.clone(url, 'work');
  for (let r = 0; r < REPOS; r++) {
    const filter = r % 2 === 0 ? 'glob:1.0.*' : 'semver:~1.0';
    writeFileSync(join(work, `w${r}.yaml`), `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w${r}\n  annotations:\n    fluxcd.io/automated: "true"\n    fluxcd.io/tag.app: "${filter}"\nspec:\n  replicas: 0\n  selector: {matchLabels: {app: w${r}}}\n  template:\n    metadata: {labels: {app: w${r}}}\n    spec:\n      containers:\n      - name: app\n        image: ${proxy.host}/app${r}:1.0.${TAGS - 1}\n`);
  }
  await git(work, 'add', '-A');
  await git(work, 'commit', '-qm', 'Workloads');
  await git(work, 'push', '-q', 'origin', 'HEAD:main');
  const dockerConfig = join(secrets, 'config.json'); // the login by file: never in argv
  const login = AUTH && Buffer.from(`${AUTH.username}:${AUTH.password}`).toString('base64');
  writeFileSync(dockerConfig, JSON.stringify({ auths: login ? { [proxy.host]: { auth: login } } : {} }), { mode: 0o600 });
  daemon = await startCapstan({ role: 'daemon', namespace: ns, queue: uniqueName('unused'), keepOutput: 5_000_000, args: [
    '--git-url', url, '--git-branch', 'main', '--k8s-default-namespace', ns, '--sync-interval', '1h', '--git-poll-interval', '1h',
    '--automation-interval', `${INTERVAL_S}s`, '--registry-insecure-host', proxy.host, '--registry-rps', String(RPS), '--log-level', 'debug',
    '--docker-config', dockerConfig,
  ] });
  const d = daemon;
  const pid = d.proc.pid ?? 0;
  // each finished cycle, from the daemon's log line about it: when it ended (pino's `time`) and how long it took
  const cycles = (): Cycle[] => d.output().split('\n').flatMap((line) => {
    if (!line.includes('"images checked"') && !line.includes('"image updates pushed"')) return [];
    try {
      const { time, ms } = JSON.parse(line) as { time: number; ms: number };
      return [{ end: time, ms }];
    } catch {
      return []; // a line still being written
    }
  });
  const measure = async (count: number, from: number): Promise<Measured> => {
    const start = proxy.requests.length;
    const cpu0 = from === 0 ? 0 : treeCpuMs([pid]).selfMs; // the first scan: since start-up
    await eventually(`${from + count} automation cycles`, async () => (cycles().length >= from + count || undefined), 1_200_000);
    return { cycles: cycles().slice(from, from + count), requests: proxy.requests.slice(start), cpuMs: treeCpuMs([pid]).selfMs - cpu0 };
  };
  const first = await measure(1, 0);
  const quiet = await measure(CYCLES, 1);
  const commits = (await git(join(server.root, 'repos/scan.git'), 'rev-list', '--count', 'main')).stdout.trim();
  console.log(`## Image scan: ${REPOS} repositories × ${TAGS} tags (${new Date().toISOString().slice(0, 10)})

Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${mib(totalmem())}; load average ${load0} at the start, ${load()} at the end.
Command: \`BENCH_REPOS=${REPOS} BENCH_TAGS=${TAGS} BENCH_CYCLES=${CYCLES} BENCH_RPS=${RPS}${AUTH ? ' BENCH_AUTH=basic' : ''} npm run bench:scan\` (\`capstan daemon --automation-interval ${INTERVAL_S}s --registry-rps ${RPS}\`, default --registry-burst).
Setup, not timed: ${TAGS} tags pushed to app0 (${seedRequests} requests), copied on disk to the other repositories: ${(setupMs / 1000).toFixed(1)} s.
Registry: ${AUTH ? 'htpasswd Basic auth, the login from --docker-config' : 'anonymous'}. ${REPOS} automated Deployments, ${Math.ceil(REPOS / 2)} with \`glob:1.0.*\` (need every tag's created time), ${Math.floor(REPOS / 2)} with \`semver:~1.0\`. Commits in Git after the scans: ${commits} (1: nothing was updated).
Wall time: the daemon's automation cycle (git fetch, read the workloads, scan, plan). Registry time: first to last request of the cycle, at the registry. Capstan CPU: the daemon's, from the end of the previous cycle (for the first scan, from start-up: it includes the first sync).

| scan | wall time | registry time | requests (tags / manifest / blob) | requests per repository | non-2xx | Capstan CPU |
|---|---|---|---|---|---|---|
${row('first scan', first)}
${row(`nothing new (median of ${quiet.cycles.length})`, quiet)}`);
} finally {
  await daemon?.stop();
  await server.close();
  await proxy.stop();
  await reg.stop();
  rmSync(secrets, { recursive: true, force: true });
  await dropNamespace();
}

interface Cycle { end: number; ms: number }
interface Measured { cycles: Cycle[]; requests: ProxiedRequest[]; cpuMs: number }

// One row of the table: per cycle (median wall time and registry time, mean requests and CPU).
function row(what: string, m: Measured): string {
  const n = m.cycles.length;
  const count = (re: RegExp) => m.requests.filter((r) => re.test(r.path)).length / n;
  // the registry's busy span in a cycle: its first to its last request (answered within the cycle's time)
  const spans = m.cycles.map((c) => {
    const at = m.requests.filter((r) => r.at >= c.end - c.ms - 50 && r.at <= c.end + 50).map((r) => r.at);
    return at.length ? at.reduce((a, b) => Math.max(a, b)) - at.reduce((a, b) => Math.min(a, b)) : 0;
  });
  const failed = m.requests.filter((r) => r.status < 200 || r.status > 299).length;
  return `| ${what} | ${(median(m.cycles.map((c) => c.ms)) / 1000).toFixed(2)} s | ${(median(spans) / 1000).toFixed(2)} s | ${(m.requests.length / n).toFixed(0)} (${count(KINDS.tags).toFixed(0)} / ${count(KINDS.manifest).toFixed(0)} / ${count(KINDS.blob).toFixed(0)}) | ${(m.requests.length / n / REPOS).toFixed(2)} | ${failed} | ${(m.cpuMs / n).toFixed(0)} ms |`;
}
