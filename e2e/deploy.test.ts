import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freshNamespace, kubeConfig } from './support/cluster.ts';
import { applyCrd } from './support/crd.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { CHART_DIR, helm, type Obj, objects, renderChart, renderKustomize, serverDryRun } from './support/deploy.ts';

const CLUSTER_SCOPED = new Set(['Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding']);
const key = (o: Obj) => `${o.kind}/${o.metadata.name}`;

// What must agree between the kustomize base and the chart: an object without its labels and annotations (the
// chart adds Helm's) and with string arguments as strings (helm quotes them, kustomize does not).
function content(o: Obj): unknown {
  const { metadata, ...rest } = o;
  return { ...rest, metadata: { name: metadata.name, namespace: metadata.namespace } };
}

// Every object the API server accepted, named in kubectl's dry-run output (`<kind>/<name> serverside-applied (server dry run)`).
function assertAccepted(r: { exitCode?: number; stdout: string; stderr: string }, rendered: Obj[], what: string): void {
  assert.equal(r.exitCode, 0, `${what} refused by the API server:\n${r.stderr}`);
  const lines = r.stdout.split('\n').filter((l) => l.includes('(server dry run)'));
  assert.equal(lines.length, rendered.length, `${what}: ${lines.length} objects applied of ${rendered.length}:\n${r.stdout}`);
}

describe('deploy/: the kustomize base and the Helm chart', () => {
  const kc = kubeConfig();
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  const dir = mkdtempSync(join(tmpdir(), 'capstan-deploy-'));

  before(async () => {
    await applyCrd(kc); // the shared CRD, as other files apply it: the dry runs below compare against it
    [ns, dropNamespace] = await freshNamespace(kc, 'deploy');
  });
  after(async () => {
    await dropNamespace();
    rmSync(dir, { recursive: true, force: true });
  });

  it('kubectl kustomize deploy/: every object is accepted by server-side dry-run apply, in the overlay\'s namespace', async () => {
    const yaml = await renderKustomize(ns);
    const rendered = objects(yaml);
    const kinds = new Set(rendered.map((o) => o.kind));
    for (const kind of ['Namespace', 'CustomResourceDefinition', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Deployment',
      'Service', 'Secret', 'PodDisruptionBudget', 'NetworkPolicy']) assert.ok(kinds.has(kind), `no ${kind} in deploy/`);
    for (const o of rendered.filter((x) => !CLUSTER_SCOPED.has(x.kind))) assert.equal(o.metadata.namespace, ns, `${key(o)} is not in the overlay's namespace`);
    for (const o of rendered.filter((x) => x.kind === 'ClusterRoleBinding')) {
      assert.deepEqual((o.subjects as Array<{ namespace: string }>).map((s) => s.namespace), [ns], `${key(o)} binds a ServiceAccount of another namespace`);
    }
    assertAccepted(await serverDryRun(yaml, ns), rendered, 'deploy/');
  });

  it('components/external-redis drops the bundled Redis and its URL Secret; the rest is still accepted', async () => {
    const yaml = await renderKustomize(ns, ['components: [BASE/components/external-redis]']);
    const rendered = objects(yaml);
    const names = rendered.map(key);
    for (const gone of ['Deployment/capstan-redis', 'Service/capstan-redis', 'NetworkPolicy/capstan-redis', 'Secret/capstan-redis-url']) {
      assert.ok(!names.includes(gone), `${gone} is still there`);
    }
    for (const kept of ['Deployment/capstan-daemon', 'Deployment/capstan-operator', 'Deployment/capstan-worker']) assert.ok(names.includes(kept), `${kept} went`);
    assertAccepted(await serverDryRun(yaml, ns), rendered, 'deploy/ with external-redis');
  });

  it('helm lint deploy/chart/capstan passes', async () => {
    const r = await helm(['lint', CHART_DIR]);
    assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it('the chart with default values: accepted by server-side dry-run apply, and the same objects as deploy/', async () => {
    const chartYaml = await renderChart(ns);
    const chart = objects(chartYaml);
    assertAccepted(await serverDryRun(chartYaml, ns), chart, 'the chart');
    const base = objects(await renderKustomize(ns)).filter((o) => o.kind !== 'Namespace'); // helm install --create-namespace makes it
    assert.deepEqual(chart.map(key).sort(), base.map(key).sort(), 'the chart and deploy/ hold different objects');
    const byKey = new Map(base.map((o) => [key(o), o]));
    for (const o of chart) assert.deepEqual(content(o), content(byKey.get(key(o)) as Obj), `${key(o)} differs between the chart and deploy/`);
  });

  it('the chart with non-default values: accepted, and each value shows in what is rendered', async () => {
    const values = join(dir, 'values.yaml');
    writeFileSync(values, `
image: {repository: registry.example/capstan, tag: "9.9.9"}
imagePullSecrets: [{name: pull}]
tokensSecret: my-tokens
networkPolicy: {enabled: false}
redis: {enabled: false, existingSecret: my-redis}
daemon:
  flags:
    git-url: https://git.example/config.git
    git-path: [apps, infra]
    sync-garbage-collection: true
    k8s-secret-name: my-key
    git-branch: null
operator:
  flags: {allow-namespace: [team-a, team-b], charts-sync-interval: 10m}
worker:
  replicas: 5
  flags: {concurrency: 8, allow-cross-namespace-refs: true}
  terminationGracePeriodSeconds: 900
  tolerations: [{key: dedicated, operator: Equal, value: helm, effect: NoSchedule}]
  rbac:
    extraRules:
      - {apiGroups: [monitoring.coreos.com], resources: [servicemonitors], verbs: [get, create, patch, delete]}
`);
    const yaml = await renderChart(ns, ['--values', values], 'team');
    const rendered = objects(yaml);
    assertAccepted(await serverDryRun(yaml, ns), rendered, 'the chart with values');
    const find = (kind: string, name: string) => rendered.find((o) => o.kind === kind && o.metadata.name === name);
    const container = (role: string) => {
      const d = find('Deployment', `team-capstan-${role}`) as unknown as { spec: { replicas: number; template: { spec: Record<string, unknown> & { containers: Array<Record<string, unknown>> } } } };
      return { pod: d.spec.template.spec, c: d.spec.template.spec.containers[0] as { image: string; args: string[]; env: unknown[]; envFrom: unknown[] }, replicas: d.spec.replicas };
    };
    assert.equal(find('Deployment', 'team-capstan-redis'), undefined, 'redis.enabled: false still bundles Redis');
    assert.equal(find('Secret', 'team-capstan-redis-url'), undefined, 'an existingSecret needs no Secret of the chart');
    assert.equal(rendered.filter((o) => o.kind === 'NetworkPolicy').length, 0);
    assert.deepEqual(container('daemon').c.args, ['daemon', '--git-path=apps', '--git-path=infra', '--git-url=https://git.example/config.git',
      '--k8s-secret-name=my-key', '--sync-garbage-collection=true']);
    assert.deepEqual(container('operator').c.args, ['operator', '--allow-namespace=team-a', '--allow-namespace=team-b', '--charts-sync-interval=10m']);
    const worker = container('worker');
    // values merge into the defaults: --helm-cache-dir stays
    assert.deepEqual(worker.c.args, ['worker', '--allow-cross-namespace-refs=true', '--concurrency=8', '--helm-cache-dir=/tmp/helm']);
    assert.equal(worker.replicas, 5);
    assert.equal(worker.pod.terminationGracePeriodSeconds, 900);
    assert.equal(worker.c.image, 'registry.example/capstan:9.9.9');
    assert.deepEqual(worker.pod.imagePullSecrets, [{ name: 'pull' }]);
    assert.deepEqual(worker.c.envFrom, [{ secretRef: { name: 'my-tokens', optional: true } }]);
    assert.ok(JSON.stringify(worker.c.env).includes('"secretKeyRef":{"name":"my-redis","key":"url"}'), 'the Redis URL is not read from redis.existingSecret');
    const rules = (find('ClusterRole', 'team-capstan-worker') as unknown as { rules: Array<{ apiGroups: string[] }> }).rules;
    assert.ok(rules.some((r) => r.apiGroups.includes('monitoring.coreos.com')), 'worker.rbac.extraRules not added');
  });

  it('the chart with redis.cluster: every role gets the seed nodes as --redis-cluster flags Capstan accepts, and no Redis URL', async () => {
    const yaml = await renderChart(ns, ['--set', 'redis.enabled=false', '--set', 'redis.cluster={r0.redis:6379,r1.redis:6379}', '--set', 'redis.tls=true']);
    const rendered = objects(yaml);
    assertAccepted(await serverDryRun(yaml, ns), rendered, 'the chart with redis.cluster');
    assert.equal(rendered.find((o) => o.kind === 'Secret' && o.metadata.name === 'capstan-redis-url'), undefined, 'a URL Secret for a Cluster');
    for (const d of rendered.filter((o) => o.kind === 'Deployment')) {
      const c = (d as unknown as { spec: { template: { spec: { containers: Array<{ args: string[]; env: Array<{ name: string }> }> } } } }).spec.template.spec.containers[0];
      assert.ok(c, key(d));
      assert.deepEqual(c.args.filter((a) => a.startsWith('--redis')), ['--redis-cluster=r0.redis:6379', '--redis-cluster=r1.redis:6379', '--redis-tls=true'], key(d));
      assert.deepEqual(c.env.filter((e) => e.name.includes('REDIS')), [], `${key(d)}: a Redis URL beside the Cluster`);
      const config = loadConfig(c.args, { CAPSTAN_REDIS_PASSWORD: 'from-the-tokens-secret' });
      assert.equal(config.redis.topology, 'cluster', key(d));
      assert.deepEqual(config.redis.nodes.map((n) => `${n.host}:${n.port}`), ['r0.redis:6379', 'r1.redis:6379'], key(d));
    }
  });

  it('the chart refuses redis.enabled: false without a Redis to use, naming the values to set', async () => {
    const r = await helm(['template', 'capstan', CHART_DIR, '--namespace', ns, '--set', 'redis.enabled=false']);
    assert.notEqual(r.exitCode, 0);
    assert.match(r.stderr, /set redis\.url or redis\.existingSecret/);
    const url = objects(await renderChart(ns, ['--set', 'redis.enabled=false', '--set', 'redis.url=redis://redis.example:6379']));
    assert.deepEqual(url.find((o) => o.kind === 'Secret' && o.metadata.name === 'capstan-redis-url')?.stringData, { url: 'redis://redis.example:6379' });
  });
});
