import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mapLimit } from '../src/map-limit.ts';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { git, type GitServer, startGitServer } from './support/git-server.ts';
import { pushImage, type Registry, startRegistry } from './support/registry.ts';
import { type RegistryProxy, startRegistryProxy } from './support/registry-proxy.ts';

// What distribution 2.8 cannot do, through a proxy in front of it: tag lists in pages of 100 with Link headers,
// and 429 answers with Retry-After.
describe('image scanning against a paginating, rate-limiting registry', () => {
  const kc = kubeConfig();
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let server: GitServer;
  let reg: Registry;
  let proxy: RegistryProxy;
  let bare = '';
  let daemon: CapstanProcess;
  const subject = async () => (await git(bare, 'log', '-1', '--format=%s', 'main')).stdout;
  const workload = (name: string, image: string, filter: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  annotations: {fluxcd.io/automated: "true", fluxcd.io/tag.app: "${filter}"}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - {name: app, image: ${image}}
`;

  before(async () => {
    [ns, dropNamespace] = await freshNamespace(kc, 'limits');
    reg = await startRegistry();
    proxy = await startRegistryProxy(reg, { pageSize: 100 });
    await mapLimit(Array.from({ length: 1000 }, (_, i) => `1.0.${i}`), 8, (tag) => pushImage(reg, 'many', tag, { created: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, Number(tag.split('.')[2]))) }));
    await pushImage(reg, 'slow', 'a', { created: new Date('2026-11-01T00:00:00Z') });
    server = await startGitServer();
    const url = await server.createRepo('limits');
    bare = join(server.root, 'repos/limits.git');
    const work = await server.clone(url, 'work');
    writeFileSync(join(work, 'many.yaml'), workload('many', `${proxy.host}/many:1.0.0`, 'semver:~1.0'));
    writeFileSync(join(work, 'slow.yaml'), workload('slow', `${proxy.host}/slow:a`, 'glob:*'));
    await git(work, 'add', '-A');
    await git(work, 'commit', '-m', 'Workloads');
    await git(work, 'push', 'origin', 'HEAD:main');
    daemon = await startCapstan({ role: 'daemon', namespace: ns, queue: uniqueName('unused'), args: [
      '--git-url', url, '--git-branch', 'main', '--k8s-default-namespace', ns, '--sync-interval', '1h', '--git-poll-interval', '5s',
      '--git-timeout', '10s', '--automation-interval', '1s', '--registry-insecure-host', proxy.host,
    ] });
  });
  after(async () => {
    await daemon?.stop();
    await server?.close().catch(() => undefined);
    await proxy?.stop();
    await reg?.stop();
    await dropNamespace();
  });

  it('reads a list of 1,000 tags across pages and picks the newest version', async () => {
    await eventually('many bumped to 1.0.999', async () => ((await subject()) === `Auto-release ${proxy.host}/many:1.0.999` || undefined), 60_000);
    const pages = new Set(proxy.requests.filter((r) => r.path.startsWith('/v2/many/tags/list')).map((r) => r.path));
    assert.equal(pages.size, 10, `ten distinct pages: ${[...pages].join(' ')}`);
    // a semver filter orders by version: no image metadata was read for the 1,000 tags
    assert.equal(proxy.requests.filter((r) => r.path.startsWith('/v2/many/manifests/')).length, 0);
  });

  it('slows down on 429 and honours Retry-After, without errors piling up, then catches up', async () => {
    const rate = () => daemon.metric('capstan_registry_rate_limit', { host: proxy.host });
    proxy.failNext(3, 429, { 'Retry-After': '1' });
    await pushImage(reg, 'slow', 'b', { created: new Date('2026-11-02T00:00:00Z') });
    await eventually('slow bumped to b', async () => ((await subject()) === `Auto-release ${proxy.host}/slow:b` || undefined), 60_000);
    assert.equal(proxy.requests.filter((r) => r.status === 429).length, 3);
    // three halvings of the default --registry-rps 50; the gauge is set at the end of each cycle
    await eventually('the host\'s rate limit halved three times', async () => ((await rate()) === 50 / 8 || undefined), 10_000);
    assert.equal(await daemon.metric('capstan_image_automation_cycles_total', { result: 'error' }), 0, 'no failed cycles');
    assert.doesNotMatch(daemon.output(), /image automation failed/);
  });
});
