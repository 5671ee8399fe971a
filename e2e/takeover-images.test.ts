import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { execa } from 'execa';
import { load } from 'js-yaml';
import { GROUP, PLURAL, VERSION } from '../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { CHECKSUM_ANNOTATION, fluxSyncSetName, GC_MARK_LABEL, gcMark } from '../src/sync/checksum.ts';
import { sourceIdUrl } from '../src/sync/source-id-url.ts';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { applyCrd } from './support/crd.ts';
import { git, GIT_ENV, type GitServer, startGitServer } from './support/git-server.ts';
import { pushImage, type Registry, startRegistry } from './support/registry.ts';

const FLUXD_SUM = '0f1d0f1d0f1d0f1d0f1d0f1d0f1d0f1d0f1d0f1d'; // fluxd's sha1 of its own YAML printing
const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 12, minute));
const FLUXD = { GIT_COMMITTER_NAME: 'Weave Flux', GIT_COMMITTER_EMAIL: 'support@weave.works' };

// A repository fluxd automated: every automated image in Git is already the newest its filter admits in the
// registry, fluxd applied each file with `kubectl apply` and tagged the commit flux-sync. Capstan's daemon takes
// over with image automation every second: it must commit nothing, move no tag and apply nothing.
describe('taking over an automated repository from fluxd: no image commit', () => {
  const kc = kubeConfig();
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let server: GitServer;
  let reg: Registry;
  let bare = '';
  let daemon: CapstanProcess;
  let fluxdHead = '';
  let refsLeft = '';
  let left: { hrVersion?: string; webGeneration?: number } = {}; // what fluxd left, before Capstan starts
  const files: Record<string, string> = {};
  // every ref of the Git server with the commit it points at (an annotated tag peeled)
  const refs = async () => (await git(bare, 'for-each-ref', '--format=%(refname) %(if)%(*objectname)%(then)%(*objectname)%(else)%(objectname)%(end)')).stdout;
  const head = async () => (await git(bare, 'rev-parse', 'main')).stdout;
  const cycles = () => daemon.metric('capstan_image_automation_cycles_total', { result: 'ok' });
  const imagesRecord = async () => ((await (await fetch(`${daemon.url}/api/capstan/v1/images`)).json()) as {
    sources: Array<{ record?: { repositories: number; updates: unknown[]; skipped: unknown[]; commit?: string } }>;
  }).sources[0]?.record;
  const hr = async () => (await custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, namespace: ns, name: 'api' })) as k8s.KubernetesObject;

  before(async () => {
    await applyCrd(kc);
    [ns, dropNamespace] = await freshNamespace(kc, 'takeover-img');
    reg = await startRegistry();
    // semver:~1.0 admits 1.0.x: 1.0.3 is the newest; glob:build-* picks the newest by creation time: build-2
    for (const [tag, minute] of [['1.0.0', 1], ['1.0.3', 2], ['1.1.0', 3], ['2.0.0', 4]] as const) {
      await pushImage(reg, 'team/web', tag, { created: at(minute) });
      await pushImage(reg, 'team/api', tag, { created: at(minute) });
    }
    for (const [tag, minute] of [['build-1', 1], ['build-2', 3], ['build-3', 2], ['other-9', 9]] as const) await pushImage(reg, 'team/agent', tag, { created: at(minute) });

    server = await startGitServer();
    const url = await server.createRepo('fleet');
    bare = join(server.root, 'repos/fleet.git');
    const work = await server.clone(url, 'work');
    files['web.yaml'] = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    fluxcd.io/automated: "true"
    fluxcd.io/tag.web: semver:~1.0
    fluxcd.io/tag.agent: glob:build-*
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: ${reg.host}/team/web:1.0.3
        - name: agent
          image: ${reg.host}/team/agent:build-2
`;
    files['api.yaml'] = `apiVersion: helm.fluxcd.io/v1
kind: HelmRelease
metadata:
  name: api
  annotations:
    fluxcd.io/automated: "true"
    fluxcd.io/tag.chart-image: semver:~1.0
spec:
  releaseName: api
  chart: {repository: "http://127.0.0.1:9/charts/", name: api, version: 1.0.0}
  values:
    image:
      repository: ${reg.host}/team/api
      tag: "1.0.3"
`;
    for (const [file, text] of Object.entries(files)) writeFileSync(join(work, file), text);
    await git(work, 'add', '-A');
    await git(work, 'commit', '-m', 'Workloads, automated');
    await git(work, 'push', 'origin', 'HEAD:main');
    fluxdHead = await head();

    // what fluxd did with that commit: each file through `kubectl apply` with its mark and checksum, then the tag
    const sourceId = fluxSyncSetName({ safeUrl: sourceIdUrl(url), branch: 'main', paths: [] });
    for (const [text, id] of [[files['web.yaml'], `${ns}:deployment/web`], [files['api.yaml'], `${ns}:helmrelease/api`]] as const) {
      const body = load(text ?? '') as { metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } };
      body.metadata.labels = { ...body.metadata.labels, [GC_MARK_LABEL]: gcMark(sourceId, id) };
      body.metadata.annotations = { ...body.metadata.annotations, [CHECKSUM_ANNOTATION]: FLUXD_SUM };
      const r = await execa(process.env.CAPSTAN_KUBECTL ?? 'kubectl', ['apply', '--namespace', ns, '-f', '-'], { input: JSON.stringify(body), reject: false });
      assert.equal(r.exitCode, 0, r.stderr);
    }
    await execa('git', ['tag', '--annotate', '--message', 'Sync pointer', 'flux-sync', fluxdHead], { cwd: work, env: { ...GIT_ENV, ...FLUXD } });
    await git(work, 'push', 'origin', 'refs/tags/flux-sync');
    refsLeft = await refs();
    left = { hrVersion: (await hr()).metadata?.resourceVersion, webGeneration: (await apps.readNamespacedDeployment({ name: 'web', namespace: ns })).metadata?.generation };

    daemon = await startCapstan({ role: 'daemon', namespace: ns, queue: uniqueName('unused'), args: [
      '--git-url', url, '--git-branch', 'main', '--k8s-default-namespace', ns, '--sync-interval', '1h', '--git-poll-interval', '1s',
      '--git-timeout', '10s', '--automation-interval', '1s', '--registry-insecure-host', reg.host,
      '--git-user', 'Capstan Bot', '--git-email', 'bot@capstan.invalid',
    ] });
  });
  after(async () => {
    await daemon?.stop();
    await server?.close().catch(() => undefined);
    await reg?.stop();
    await dropNamespace();
  });

  it('the first sync, at the commit of the flux-sync tag, applies nothing', async () => {
    await eventually('the first sync', async () => ((await daemon.metric('flux_daemon_sync_duration_seconds_count', { success: 'true' })) >= 1 || undefined), 60_000);
    const api = (await (await fetch(`${daemon.url}/api/capstan/v1/sync`)).json()) as { sources: Array<{ record: { revision: string; applied: string[]; unchanged: string[] } }> };
    assert.equal(api.sources[0]?.record.revision, fluxdHead);
    assert.deepEqual(api.sources[0]?.record.applied, []);
    assert.deepEqual(api.sources[0]?.record.unchanged.sort(), [`${ns}:deployment/web`, `${ns}:helmrelease/api`]);
    assert.equal(await daemon.metric('capstan_sync_applied_total'), 0);
    assert.equal((await hr()).metadata?.resourceVersion, left.hrVersion, 'the HelmRelease was not written');
    // the Deployment's status moves on its own (resourceVersion): what an apply by Capstan would change is checked
    const now = await apps.readNamespacedDeployment({ name: 'web', namespace: ns });
    assert.equal(now.metadata?.generation, left.webGeneration);
    assert.equal(now.metadata?.annotations?.[CHECKSUM_ANNOTATION], FLUXD_SUM, 'still fluxd\'s checksum');
    assert.ok(!now.metadata?.managedFields?.some((f) => f.manager === 'capstan'), 'no server-side apply by Capstan');
  });

  it('automation cycles that scanned every automated image make no commit and move no tag', async () => {
    // a cycle that has read all three repositories and judged every container (nothing skipped as not scanned)
    await eventually('a cycle that scanned every image', async () => {
      const r = await imagesRecord();
      return (r?.repositories === 3 && r.skipped.length === 0) || undefined;
    }, 60_000);
    const start = await cycles();
    await eventually('two more automation cycles', async () => ((await cycles()) >= start + 2 || undefined), 30_000);
    const r = await imagesRecord();
    assert.deepEqual([r?.updates, r?.commit], [[], undefined]);
    assert.equal(await refs(), refsLeft, 'the branch head and flux-sync are where fluxd left them');
    assert.equal(await daemon.metric('capstan_image_updates_total'), 0);
    assert.equal(await daemon.metric('capstan_sync_applied_total'), 0, 'nothing applied since');
  });

  it('a newer allowed tag in the registry makes exactly one commit, in fluxd\'s format (automation was on)', async () => {
    await pushImage(reg, 'team/web', '1.0.4', { created: at(20) });
    await eventually('the 1.0.4 commit', async () => ((await head()) !== fluxdHead || undefined), 30_000);
    assert.equal((await git(bare, 'log', '-1', '--format=%s', 'main')).stdout, `Auto-release ${reg.host}/team/web:1.0.4`);
    assert.equal((await git(bare, 'log', '-1', '--format=%P', 'main')).stdout, fluxdHead, 'on top of fluxd\'s commit');
    const diff = (await git(bare, 'show', '--format=', '--unified=0', 'main')).stdout.split('\n').filter((l) => /^[-+][^-+]/.test(l));
    assert.deepEqual(diff, [`-          image: ${reg.host}/team/web:1.0.3`, `+          image: ${reg.host}/team/web:1.0.4`]);
    const start = await cycles();
    await eventually('two more automation cycles', async () => ((await cycles()) >= start + 2 || undefined), 30_000);
    assert.equal((await git(bare, 'rev-list', '--count', `${fluxdHead}..main`)).stdout, '1', 'one commit, none in the cycles after it');
  });
});
