import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { type ChartRepo, startChartRepo } from './support/chart-repo.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { applyCrd } from './support/crd.ts';
import { helmHistory, helmReleases } from './support/helm-releases.ts';

// Issue 9, finding 9: size and memory bounds, and caches shared only by releases allowed to fetch what they hold.
// Two tenants (namespaces) share one `capstan run`, so one worker, one chart cache and one index cache.
const MiB = 1024 * 1024;
const A_AUTH = { username: 'tenant-a', password: 'pull-s3cret-of-a' };
// The bound stated for a worker that was sent an endless index: its peak resident memory.
const PEAK_RSS_BOUND = 600 * MiB;

// An HTTP server on 127.0.0.1 that answers every request with 'a's for as long as the client reads.
async function startEndlessServer(): Promise<{ url: string; sent: () => number; hangUps: () => number; server: Server }> {
  let sent = 0;
  let hangUps = 0;
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const server = createServer((_req, res) => {
    res.on('close', () => { hangUps += 1; });
    res.writeHead(200, { 'content-type': 'application/yaml' });
    const pump = (): void => {
      while (!res.destroyed && res.write(chunk)) sent += chunk.length;
    };
    res.on('drain', pump);
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/charts`, sent: () => sent, hangUps: () => hangUps, server };
}

// Serves fixed files on 127.0.0.1 to anyone: a tenant's own chart repository.
async function startOpenServer(files: Record<string, string>): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const body = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

describe('size bounds and cache authorization, end to end', () => {
  const kc = kubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const drops: Array<() => Promise<void>> = [];
  const servers: Server[] = [];
  let nsA = '';
  let nsB = '';
  let privateRepo: ChartRepo;
  let openRepo: ChartRepo;
  let capstan: CapstanProcess;
  let cacheDir = '';
  const tenant = (ns: string) => helmReleases(kc, ns);
  const stalledOn = async (ns: string, name: string, why: RegExp): Promise<string> => {
    const hr = await tenant(ns).waitFor(name, 'Stalled', 'True');
    const message = hr.status?.conditions?.find((c) => c.type === 'Stalled')?.message ?? '';
    assert.ok(message.startsWith('spec.chart.repository: '), `${ns}/${name}: ${message}`);
    assert.match(message, why, `${ns}/${name}`);
    assert.doesNotMatch(message, new RegExp(A_AUTH.password));
    return message;
  };
  const message = async (ns: string, release: string) =>
    (await apps.readNamespacedDeployment({ name: `${release}-hello`, namespace: ns })).spec?.template.metadata?.annotations?.['hello/message'];

  before(async () => {
    await applyCrd(kc);
    let drop: () => Promise<void>;
    [nsA, drop] = await freshNamespace(kc, 'tenant-a');
    drops.push(drop);
    [nsB, drop] = await freshNamespace(kc, 'tenant-b');
    drops.push(drop);
    privateRepo = await startChartRepo({ auth: A_AUTH });
    await privateRepo.publish('0.1.0');
    openRepo = await startChartRepo();
    await openRepo.publish('0.1.0');
    cacheDir = join(mkdtempSync(join(tmpdir(), 'capstan-bounds-')), 'charts');
    capstan = await startCapstan({
      role: 'run', namespace: nsA, queue: uniqueName('bounds'),
      // the private repository is on plain http://127.0.0.1, so A's credentials may go over http
      args: ['--allow-namespace', nsB, '--chart-cache-dir', cacheDir, '--allow-insecure-credentials'],
    });
  });
  after(async () => {
    await capstan?.stop();
    await privateRepo?.close();
    await openRepo?.close();
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
    for (const drop of drops) await drop();
    if (cacheDir) rmSync(join(cacheDir, '..'), { recursive: true, force: true });
  });

  it('keeps the chart cache in a directory only Capstan may enter', () => {
    assert.equal(statSync(cacheDir).mode & 0o777, 0o700);
  });

  it("tenant B gets neither tenant A's private chart nor its index from the shared worker's caches", async () => {
    await core.createNamespacedSecret({ namespace: nsA, body: { metadata: { name: 'pull' }, stringData: A_AUTH } });
    const chart = { repository: privateRepo.url, name: 'hello', version: '0.1.0' };
    await tenant(nsA).create('app', { chart: { ...chart, chartPullSecret: { name: 'pull' } }, releaseName: 'app-a' });
    await tenant(nsA).waitFor('app', 'Ready', 'True');

    // B asks for the same chart without credentials: the repository says 401, and nothing cached answers instead.
    await tenant(nsB).create('nocreds', { chart, releaseName: 'nocreds' });
    await stalledOn(nsB, 'nocreds', /HTTP 401 from .*index\.yaml/);

    // B serves A's index (its digests are no secret) from a repository of its own, so the worker finds the
    // digest of A's tarball, already in its cache; the tarball URL is A's, which B's request cannot fetch.
    const index = await (await fetch(`${privateRepo.url}/index.yaml`, {
      headers: { authorization: `Basic ${Buffer.from(`${A_AUTH.username}:${A_AUTH.password}`).toString('base64')}` },
    })).text();
    assert.match(index, /digest: [0-9a-f]{64}/);
    const own = await startOpenServer({ '/index.yaml': index });
    servers.push(own.server);
    const tarballsBefore = privateRepo.requests.filter((p) => p.endsWith('.tgz')).length;
    await tenant(nsB).create('copycat', { chart: { ...chart, repository: own.url }, releaseName: 'copycat' });
    await stalledOn(nsB, 'copycat', /HTTP 401 from .*hello-0\.1\.0\.tgz/);
    assert.ok(privateRepo.requests.filter((p) => p.endsWith('.tgz')).length > tarballsBefore, 'the worker asked the private repository, not its cache');

    assert.deepEqual(await helmHistory(kc, nsB, 'nocreds'), []);
    assert.deepEqual(await helmHistory(kc, nsB, 'copycat'), []);
  });

  it('stalls a release whose repository sends an endless index, naming the field and the limit; the worker lives on', async () => {
    const endless = await startEndlessServer();
    servers.push(endless.server);
    await tenant(nsA).create('huge', { chart: { repository: endless.url, name: 'hello', version: '0.1.0' }, releaseName: 'huge' });
    await tenant(nsA).create('fine', { chart: { repository: openRepo.url, name: 'hello', version: '0.1.0' }, releaseName: 'fine' });
    await stalledOn(nsA, 'huge', /the index http:\/\/127\.0\.0\.1:\d+\/charts\/index\.yaml is larger than the 20 MiB limit for a chart repository index/);
    await tenant(nsA).waitFor('fine', 'Ready', 'True');
    await eventually('the endless index connection to be closed', async () => (endless.hangUps() > 0 ? true : undefined), 10_000);
    assert.ok(endless.sent() < 40 * MiB, `the worker read ${endless.sent()} bytes of an endless index`);
    assert.equal((await fetch(`${capstan.url}/healthz`)).status, 200, 'the worker is alive');
    const peak = Number(/^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${capstan.proc.pid}/status`, 'utf8'))?.[1]) * 1024;
    assert.ok(peak < PEAK_RSS_BOUND, `peak resident memory ${Math.round(peak / MiB)} MiB`);
  });

  it('upgrades when a valuesFrom Secret changes, told by the metadata-only watch', async () => {
    await core.createNamespacedSecret({ namespace: nsA, body: { metadata: { name: 'vals' }, stringData: { 'values.yaml': 'message: one\n' } } });
    await tenant(nsA).create('sv', { chart: { repository: openRepo.url, name: 'hello', version: '0.1.0' }, releaseName: 'sv', valuesFrom: [{ secretKeyRef: { name: 'vals' } }] });
    await tenant(nsA).waitFor('sv', 'Ready', 'True');
    assert.equal(await message(nsA, 'sv'), 'one');
    const changed = () => capstan.metric('capstan_release_enqueued_total', { reason: 'values-source-changed' });
    const before = await changed();
    await core.patchNamespacedSecret({ namespace: nsA, name: 'vals', body: { stringData: { 'values.yaml': 'message: two\n' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    await eventually('the upgrade from the Secret', async () => ((await message(nsA, 'sv')) === 'two' ? true : undefined));
    assert.ok((await changed()) > before, 'the Secret watch enqueued the release');
  });
});
