import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { readYamlDocuments } from '../src/yaml/read-yaml.ts';
import { billionLaughs } from '../test/yaml/bombs.ts';
import { kubeConfig } from './support/cluster.ts';
import { helmCli } from './support/helm.ts';
import { type ReleaseEnv, startReleaseEnv } from './support/release-env.ts';

// A chart whose one template is a ConfigMap holding `toJson .Values`: what helm made of the values it was given.
const DUMP_CHART = new URL('../test/fixtures/charts/dump-values', import.meta.url).pathname;

// A values file full of scalars whose meaning differs between YAML 1.2, YAML 1.1 and Go: helm must render the
// same JSON whether it reads this file itself or gets the values through Capstan.
const SCALARS = `# YAML 1.1 booleans and near misses
booleans: [yes, Yes, YES, y, Y, on, On, ON, true, True, TRUE, no, n, N, off, Off, OFF, false, False, FALSE]
notBooleans: [oN, nO, tRUE, True1, yEs, "yes", 'on']
nulls: [~, null, Null, NULL, !!null ""]
empty:
integers: [0644, -0644, 0o644, 0_644, 09, 08, 00, 0x1F, 0X1F, -0x1F, +0x1F, 0x_1F, 0b101, 0B101, 1_000, 1__0, +12, -0]
bigIntegers: [0x7FFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF, 12345678901234567890, 9007199254740993, -9223372036854775809, 07777777777777777777777777, 99999999999999999999999]
floats: [1e3, 1E3, 1e+3, 1.5e3, 1e3_0, 1_000.5, .5, +.5, -.5e-3, 1., 0., 1.0, 1.20, 6.02e23, 1e-7, 1e21, 2.5e-1]
strings:
  - 0o8
  - _1
  - 1,000
  - .e3
  - 1.5e
  - 1.2.3
  - 1e400
  - 0x1FFFFFFFFFFFFFFFF
  - 1:20
  - 190:20:30
  - 2001-12-14
  - 2001-12-14t21:59:43.10-05:00
  - 2001-12-14 21:59:43.10 -5
  - =
  - a:b
  - <<
tagged:
  str: !!str 123
  strYes: !!str yes
  int: !!int "12"
  hex: !!int 0x1F
  float: !!float 1
  floatHex: !!float 0x10
  bool: !!bool yes
  nothing: !!null ""
  ts: !!timestamp 2001-12-14
  local: !foo 12
  verbatim: !<tag:yaml.org,2002:int> "7"
  binary: !!binary aGVsbG8gd29ybGQ=
  set: !!set {b, c}
  omap: !!omap [{b: 1}]
keys:
  yes: yes-key
  off: off-key
  1: one
  0x10: hex
  0644: octal
  1e3: float
  1.5: one-and-a-half
  3.14159265358979: float32
  123456.789: rounded
  1e21: exponent
  9223372036854775807: int64
  2001-12-14: date
  !!str 012: tagged
  "<<": quoted-merge
  __proto__: {polluted: no}
  dup: first
  dup: second
anchors:
  base: &base {a: 1, b: 2}
  other: &other {b: 3, c: 4}
merged:
  list: {<<: [*base, *other], a: 0}
  before: {a: 9, <<: *base}
  alias: *base
  seq: [*base, *base]
text:
  literal: |
    line one
    line two
  folded: >
    folded
    text
  keep: |+
    kept

  strip: |-
    stripped
  escapes: "tab\\tnewline\\nunicode \\u00e9 \\U0001F600"
  single: 'it''s'
`;

describe('values YAML means to Capstan what it means to helm', () => {
  const kc = kubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const helm = helmCli();
  let env: ReleaseEnv;
  let dir = '';
  before(async () => {
    env = await startReleaseEnv({ prefix: 'yaml-values', queue: `yaml-values-${Date.now()}` });
    await env.repo.publish('0.1.0', DUMP_CHART);
    dir = mkdtempSync(join(tmpdir(), 'capstan-yaml-values-'));
  });
  after(async () => {
    await env?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const dumpChart = () => ({ repository: env.repo.url, name: 'dump-values', version: '0.1.0' });
  const configMap = (name: string, values: string) =>
    core.createNamespacedConfigMap({ namespace: env.ns, body: { metadata: { name }, data: { 'values.yaml': values } } });
  const rendered = async (release: string): Promise<string> =>
    (await core.readNamespacedConfigMap({ name: `${release}-values`, namespace: env.ns })).data?.['values.json'] ?? '';

  it('renders a values file full of YAML 1.1 and Go scalars through a valuesFrom ConfigMap exactly as `helm template -f`', async () => {
    const file = join(dir, 'values.yaml');
    writeFileSync(file, SCALARS);
    const template = await helm(['template', 'scalars', DUMP_CHART, '-f', file]);
    assert.equal(template.exitCode, 0, template.stderr);
    const byHelm = readYamlDocuments(template.stdout).map((d) => d.value as { data?: Record<string, string> })
      .find((o) => o?.data?.['values.json'])?.data?.['values.json'] ?? '';
    assert.ok(byHelm.includes('"keys":'), byHelm);

    await configMap('scalars', readFileSync(file, 'utf8'));
    await env.hrs.create('scalars', { chart: dumpChart(), releaseName: 'scalars', valuesFrom: [{ configMapKeyRef: { name: 'scalars' } }] });
    await env.hrs.waitFor('scalars', 'Ready', 'True');
    const byCapstan = await rendered('scalars');
    assert.deepEqual(JSON.parse(byCapstan), JSON.parse(byHelm));
    assert.equal(byCapstan, byHelm);
  });

  it('stalls a release whose valuesFrom ConfigMap is a 432-byte alias bomb, naming the field, and goes on serving others', async () => {
    await configMap('bomb', billionLaughs());
    await env.hrs.create('bombed', { chart: dumpChart(), releaseName: 'bombed', valuesFrom: [{ configMapKeyRef: { name: 'bomb' } }] });
    const hr = await env.hrs.waitFor('bombed', 'Stalled', 'True');
    const stalled = hr.status?.conditions?.find((c) => c.type === 'Stalled');
    assert.match(stalled?.message ?? '', new RegExp(
      `^spec\\.valuesFrom\\[0\\]\\.configMapKeyRef: ConfigMap ${env.ns}/bomb key values\\.yaml: too many aliases: expanded, the YAML is larger than 4 MiB as JSON`));

    await configMap('plain', 'greeting: hello\n');
    await env.hrs.create('after', { chart: dumpChart(), releaseName: 'after', valuesFrom: [{ configMapKeyRef: { name: 'plain' } }] });
    await env.hrs.waitFor('after', 'Ready', 'True');
    assert.equal(await rendered('after'), '{"greeting":"hello"}');
    const pid = env.capstan.proc.pid;
    assert.ok(pid !== undefined);
    const peakKiB = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    // about 200 MiB on the test machine; the bomb, expanded, took the worker past its heap limit (GBs)
    assert.ok(peakKiB < 512 * 1024, `capstan run peaked at ${Math.round(peakKiB / 1024)} MiB of memory (bound: 512 MiB)`);
  });
});
