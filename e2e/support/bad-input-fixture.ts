import { randomBytes } from 'node:crypto';
import type { HelmReleaseSpec } from '../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { chartIndex, gzipBombChart, sha256 } from './chart-archives.ts';
import type { Answer } from './hostile-server.ts';

const MiB = 1024 * 1024;

// 432 bytes that expand to 9^9 strings through aliases (the "billion laughs").
export const YAML_BOMB = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
`;

// `depth` nested flow sequences: [[[…]]].
export const deeplyNested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

const manifest = (name: string, extra = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  k: v\n${extra}`;

const automated = (name: string, image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  annotations: {fluxcd.io/automated: "true", fluxcd.io/tag.app: "semver:~1"}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: app, image: "${image}"}]
`;

// What the synced Git repository holds: one good ConfigMap, hostile files (50 MiB, binary, 10,000 levels deep, an
// alias bomb; a symlink loop is added by the test), and Deployments automated against the hostile registry, one
// of which (`reg-ok`) it answers properly. `expect` is the file or object each hostile entry must be reported as.
export function hostileRepoFiles(registryHost: string) {
  return {
    files: {
      'good.yaml': manifest('good'),
      'big.yaml': `${manifest('big').replace('k: v', `k: "${'x'.repeat(50 * MiB)}"`)}`,
      'binary.yaml': randomBytes(MiB),
      'deep.yaml': manifest('deep', `nested: ${deeplyNested(10_000)}\n`),
      'bomb.yaml': manifest('bomb', `${YAML_BOMB}lol: *i\n`),
      'workloads.yaml': ['malformed', 'wrongshape', 'huge', 'dribble', 'endless', 'ok'].map((r) => automated(`reg-${r}`, `${registryHost}/${r}/app:1.0.0`)).join('---\n'),
    } as Record<string, string | Buffer>,
    hostileFiles: ['big.yaml', 'binary.yaml', 'deep.yaml', 'bomb.yaml'],
    hostileWorkloads: ['reg-malformed', 'reg-wrongshape', 'reg-huge', 'reg-dribble', 'reg-endless'],
  };
}

// A registry that answers tag lists malformed, of the wrong shape, huge (64 MiB, or 17 MiB in 38-byte writes),
// endless, or well (`ok/app`).
export function hostileRegistry(): Record<string, Answer> {
  const json = 'application/json';
  return {
    '/v2/': { body: '{}', type: json },
    '/v2/malformed/app/tags/list': { body: randomBytes(4096), type: json },
    '/v2/wrongshape/app/tags/list': { body: '{"name":"wrongshape/app","tags":{"1.0.0":[{"x":null}],"length":1e309}}', type: json },
    '/v2/huge/app/tags/list': { prefix: '{"name":"huge/app","tags":["1.0.0"', huge: 64 * MiB, chunk: ',"1.0.1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"', type: json },
    '/v2/dribble/app/tags/list': { prefix: '{"name":"dribble/app","tags":["1.0.0"', huge: 17 * MiB, chunk: ',"1.0.1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"', type: json, dribble: true },
    '/v2/endless/app/tags/list': { endless: true },
    '/v2/ok/app/tags/list': { body: '{"name":"ok/app","tags":["1.0.0","1.2.0"]}', type: json },
  };
}

// Chart repositories under one server, one per path: malformed, wrong-shaped, alias-bomb, huge (also in tiny
// writes), endless and silent indexes; and well-formed indexes whose chart archive is random bytes, cut short, 64 MiB, a gzip bomb (256 MiB
// unpacked) or endless. `good` is a real packaged chart (hello 0.1.0), the source of the cut-short one.
export async function hostileChartRepos(base: string, good: Buffer): Promise<Record<string, Answer>> {
  const yaml = 'application/x-yaml';
  const answers: Record<string, Answer> = {
    '/index-malformed/index.yaml': { body: randomBytes(8192), type: yaml },
    '/index-wrongshape/index.yaml': { body: 'apiVersion: v1\nentries:\n  hello: {version: [1, 2], urls: 7}\n', type: yaml },
    '/index-bomb/index.yaml': { body: `${YAML_BOMB}apiVersion: v1\nentries: {hello: *i}\n`, type: yaml },
    '/index-huge/index.yaml': { prefix: 'apiVersion: v1\nentries:\n  hello:\n', huge: 64 * MiB, chunk: '  - {name: hello, version: 0.0.1, urls: [x]}\n', type: yaml },
    // the same in 45-byte writes: what is kept of it while it streams in must cost about its bytes, not 20 times more
    '/index-dribble/index.yaml': { prefix: 'apiVersion: v1\nentries:\n  hello:\n', huge: 21 * MiB, chunk: '  - {name: hello, version: 0.0.1, urls: [x]}\n', type: yaml, dribble: true },
    '/index-endless/index.yaml': { endless: true },
    '/index-silent/index.yaml': { hang: true },
  };
  const archives: Record<string, Answer & { digest?: string }> = {
    'chart-corrupt': { body: randomBytes(64 * 1024) },
    'chart-truncated': { body: good.subarray(0, Math.floor(good.length / 2)) },
    'chart-huge': { huge: 64 * MiB, chunk: randomBytes(MiB) },
    'chart-bomb': { body: await gzipBombChart('hello', '0.1.0', 256 * MiB) },
    'chart-endless': { endless: true },
  };
  for (const [path, answer] of Object.entries(archives)) {
    const digest = 'body' in answer ? sha256(Buffer.from(answer.body)) : undefined;
    answers[`/${path}/index.yaml`] = { body: chartIndex([{ name: 'hello', version: '0.1.0', url: `${base}/${path}/hello-0.1.0.tgz`, ...(digest ? { digest } : {}) }]), type: yaml };
    answers[`/${path}/hello-0.1.0.tgz`] = answer;
  }
  return answers;
}

// One hostile HelmRelease: its spec and what its status must say (the field at fault, and what else it names).
export interface HostileRelease { name: string; spec: HelmReleaseSpec; expect: RegExp[] }

// The table of hostile HelmReleases; `chart` is a good repository chart, `hostile` the hostile chart server's URL,
// `git` a Git repository holding the chart under charts/hello.
export function hostileReleases(opts: { chart: { repository: string; name: string; version: string }; hostile: string; git: string }): HostileRelease[] {
  const { chart } = opts;
  const field = (f: string) => new RegExp(f.replaceAll('.', '\\.').replaceAll('[', '\\['));
  const from = (path: string) => ({ repository: `${opts.hostile}/${path}`, name: 'hello', version: '0.1.0' });
  const fetchFailed = (path: string, why: RegExp) => ({ name: path, spec: { chart: from(path) }, expect: [why, new RegExp(`spec\\.chart|/${path}`)] });
  return [
    { name: 'rn-comma', spec: { chart, releaseName: 'a,b' }, expect: [field('spec.releaseName')] },
    { name: 'rn-dash', spec: { chart, releaseName: '-lead' }, expect: [field('spec.releaseName')] },
    { name: 'rn-long', spec: { chart, releaseName: 'r'.repeat(54) }, expect: [field('spec.releaseName')] },
    { name: 'tns-invalid', spec: { chart, targetNamespace: 'Not_A_Namespace' }, expect: [field('spec.targetNamespace')] },
    { name: 'tns-dash', spec: { chart, targetNamespace: '-x' }, expect: [field('spec.targetNamespace')] },
    { name: 'timeout-negative', spec: { chart, timeout: -1 }, expect: [field('spec.timeout')] },
    { name: 'timeout-huge', spec: { chart, timeout: Number.MAX_SAFE_INTEGER }, expect: [field('spec.timeout')] },
    { name: 'history-negative', spec: { chart, maxHistory: -1 }, expect: [field('spec.maxHistory')] },
    { name: 'retries-negative', spec: { chart, rollback: { enable: true, maxRetries: -1 } }, expect: [field('spec.rollback.maxRetries')] },
    { name: 'test-timeout-negative', spec: { chart, test: { enable: true, timeout: -5 } }, expect: [field('spec.test.timeout')] },
    { name: 'version-long', spec: { chart: { ...chart, version: `1.${'9'.repeat(2000)}` } }, expect: [field('spec.chart.version')] },
    { name: 'repository-not-url', spec: { chart: { ...chart, repository: 'not a url' } }, expect: [field('spec.chart.repository')] },
    { name: 'chart-name-traversal', spec: { chart: { ...chart, name: '../../etc' } }, expect: [field('spec.chart.name')] },
    { name: 'git-path-traversal', spec: { chart: { git: opts.git, ref: 'main', path: '../../../etc' } }, expect: [field('spec.chart.path')] },
    { name: 'values-bomb', spec: { chart, valuesFrom: [{ configMapKeyRef: { name: 'bomb-values' } }] }, expect: [field('spec.valuesFrom'), /bomb-values/] },
    { name: 'values-deep', spec: { chart, valuesFrom: [{ configMapKeyRef: { name: 'deep-values' } }] }, expect: [field('spec.valuesFrom'), /deep-values/] },
    { name: 'values-binary', spec: { chart, valuesFrom: [{ configMapKeyRef: { name: 'binary-values' } }] }, expect: [field('spec.valuesFrom'), /binary-values/] },
    { name: 'values-list', spec: { chart, valuesFrom: [{ configMapKeyRef: { name: 'list-values' } }] }, expect: [field('spec.valuesFrom'), /list-values/] },
    fetchFailed('index-malformed', /index/i),
    fetchFailed('index-wrongshape', /index|entries/i),
    fetchFailed('index-bomb', /alias|index/i),
    fetchFailed('index-huge', /larger than|too large|exceeds/i),
    fetchFailed('index-dribble', /larger than|too large|exceeds|timed out/i),
    fetchFailed('index-endless', /timed out|larger than|too large/i),
    fetchFailed('index-silent', /timed out/i),
    fetchFailed('chart-corrupt', /archive|gzip|tar|corrupt|invalid/i),
    fetchFailed('chart-truncated', /archive|gzip|tar|unexpected end|truncated|corrupt/i),
    fetchFailed('chart-huge', /larger than|too large|exceeds/i),
    fetchFailed('chart-bomb', /larger than|too large|exceeds|unpack/i),
    fetchFailed('chart-endless', /timed out|larger than|too large/i),
  ];
}

// ConfigMaps used by the hostile valuesFrom entries.
export const HOSTILE_VALUES: Record<string, { data: Record<string, string> }> = {
  'bomb-values': { data: { 'values.yaml': YAML_BOMB } },
  'deep-values': { data: { 'values.yaml': `deep: ${deeplyNested(10_000)}\n` } },
  'binary-values': { data: { 'values.yaml': randomBytes(4096).toString('latin1') } },
  'list-values': { data: { 'values.yaml': '- not\n- a\n- map\n' } },
};
