// The layout of src/ that CONVENTIONS.md describes, checked on every test run: no import cycle between folders,
// no file over 200 lines, adapters that take only types from the pipelines, pipelines that call no other pipeline.
//
// Nodes of the folder graph: each top-level folder of src/ (`kube`, `helm`, …) is one node, and each file directly
// in src/ is a node of its own (`main.ts`, `redact.ts`; see nodeOf). Every import counts towards a cycle, `import
// type` included: a type names the module it depends on as surely as a call does. The adapter and pipeline rules
// let `import type` through, since a pipeline's port is a type its adapter implements.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findCycle, folderGraph, type Import, importsOf, nodeOf, parseImports, sourceFiles } from './architecture/import-graph.ts';

const ROOT = join(import.meta.dirname, '..');
const MAX_LINES = 200;
const ADAPTERS = ['kube', 'git'];
const PIPELINES = ['helm', 'sync', 'image'];

const files = sourceFiles(ROOT, 'src');
const imports = importsOf(ROOT, files).filter((i) => i.to.startsWith('src/'));
const show = (list: readonly Import[]): string =>
  [...new Set(list.map((i) => `  ${i.from} imports ${i.typeOnly ? 'types from ' : ''}${i.to}`))].join('\n');

describe('the import reader', () => {
  const table: Array<[string, string, Array<{ specifier: string; typeOnly: boolean }>]> = [
    ['import type', "import type { A } from './a.ts';", [{ specifier: './a.ts', typeOnly: true }]],
    ['inline type names still load the module', "import { type A } from './a.ts';", [{ specifier: './a.ts', typeOnly: false }]],
    ['a clause over several lines', "import {\n  a,\n  b,\n} from '../b.ts';", [{ specifier: '../b.ts', typeOnly: false }]],
    ['re-exports', "export * from './c.ts';\nexport type { D } from './d.ts';", [
      { specifier: './c.ts', typeOnly: false }, { specifier: './d.ts', typeOnly: true }]],
    ['side effects and dynamic imports', "import './e.ts';\nconst f = await import('./f.ts');", [
      { specifier: './e.ts', typeOnly: false }, { specifier: './f.ts', typeOnly: false }]],
    ['packages', "import * as k8s from '@kubernetes/client-node';", [{ specifier: '@kubernetes/client-node', typeOnly: false }]],
  ];
  for (const [name, text, expected] of table) it(name, () => assert.deepEqual(parseImports(text), expected));

  it('names a file by its top-level folder, or itself at the root of src/', () => {
    assert.deepEqual(['src/kube/client.ts', 'src/helm/actions/install.ts', 'src/redact.ts'].map(nodeOf), ['kube', 'helm', 'redact.ts']);
  });

  it('finds a cycle, and none in a graph without one', () => {
    const graph = (edges: string[]) => new Map(edges.map((e) => [e[0] ?? '', new Map([[e[1] ?? '', true]])]));
    assert.deepEqual(findCycle(graph(['ab', 'bc', 'ca'])), ['a', 'b', 'c', 'a']);
    assert.equal(findCycle(graph(['ab', 'bc', 'dc'])), undefined);
  });

  it('reads the imports of src/ (the checks below are not vacuous)', () => {
    assert.ok(files.length > 100, `only ${files.length} files found under src/`);
    assert.ok(imports.some((i) => i.from === 'src/kube/real-client.ts' && i.to === 'src/kube/client.ts' && i.typeOnly));
  });
});

describe('the layout of src/', () => {
  it('has no import cycle between folders', () => {
    const graph = folderGraph(imports);
    const cycle = findCycle(graph);
    const edges = (cycle ?? []).slice(1).map((to, k) => {
      const from = cycle?.[k] ?? '';
      return `${from} → ${to}:\n${show(graph.get(from)?.get(to) ?? [])}`;
    });
    assert.equal(cycle, undefined, `folder cycle ${cycle?.join(' → ')}\n${edges.join('\n')}`);
  });

  it(`has no file over ${MAX_LINES} lines`, () => {
    const long = files
      .map((f) => ({ f, lines: readFileSync(join(ROOT, f), 'utf8').replace(/\n$/, '').split('\n').length }))
      .filter(({ lines }) => lines > MAX_LINES)
      .map(({ f, lines }) => `${f}: ${lines} lines`);
    assert.deepEqual(long, []);
  });

  it('adapters (kube/, git/) take only types from the pipelines (helm/, sync/, image/)', () => {
    const bad = imports.filter((i) => ADAPTERS.includes(nodeOf(i.from)) && PIPELINES.includes(nodeOf(i.to)) && !i.typeOnly);
    assert.equal(bad.length, 0, `adapters calling pipeline code:\n${show(bad)}`);
  });

  it('pipelines (helm/, sync/, image/) take only types from each other', () => {
    const bad = imports.filter((i) => {
      const [a, b] = [nodeOf(i.from), nodeOf(i.to)];
      return a !== b && PIPELINES.includes(a) && PIPELINES.includes(b) && !i.typeOnly;
    });
    assert.equal(bad.length, 0, `pipelines calling each other:\n${show(bad)}`);
  });
});
