// The import graph of src/ between folders, read from the source text, for test/architecture.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

// One import of one file: where it points (a path under the root, or the bare specifier) and whether only types
// come through it (`import type`, `export type`): those are erased, so no code of the target runs.
export interface Import { from: string; to: string; typeOnly: boolean }

// `import … from '…'`, `export … from '…'` (the clause may span lines), `import '…'` and `import('…')`.
const STATIC = /\b(import|export)\s+(type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g;
const BARE = /\bimport\s*\(?\s*['"]([^'"]+)['"]/g;

// The specifiers a source text imports; `import { type A }` counts as a value import, as the module still loads.
export function parseImports(text: string): Array<{ specifier: string; typeOnly: boolean }> {
  const found = [...text.matchAll(STATIC)].map((m) => ({ specifier: m[3] ?? '', typeOnly: m[2] !== undefined }));
  for (const m of text.matchAll(BARE)) found.push({ specifier: m[1] ?? '', typeOnly: false });
  return found;
}

// Every `.ts` file under `dir`, as paths relative to `root` with `/` separators.
export function sourceFiles(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

// The relative imports of each file, resolved to paths relative to `root`; bare packages (node:, npm) left out.
export function importsOf(root: string, files: readonly string[]): Import[] {
  return files.flatMap((from) =>
    parseImports(readFileSync(join(root, from), 'utf8'))
      .filter((i) => i.specifier.startsWith('.'))
      .map((i) => ({ from, typeOnly: i.typeOnly, to: relative(root, resolve(root, dirname(from), i.specifier)).split(sep).join('/') })),
  );
}

// The node of the folder graph a file of src/ belongs to: its top-level folder (`kube`), or, for a file directly in
// src/, the file itself (`redact.ts`): those are the composition root (main.ts) and small shared leaves, and counting
// them as one node would join the root to every folder that reads one shared helper.
export function nodeOf(path: string): string {
  const parts = path.split('/');
  return parts[1] ?? path;
}

// The edges between nodes, each with the imports that make it (for the message naming the files).
export function folderGraph(imports: readonly Import[]): Map<string, Map<string, Import[]>> {
  const graph = new Map<string, Map<string, Import[]>>();
  for (const i of imports) {
    const [a, b] = [nodeOf(i.from), nodeOf(i.to)];
    if (a === b) continue;
    const out = graph.get(a) ?? new Map<string, Import[]>();
    out.set(b, [...(out.get(b) ?? []), i]);
    graph.set(a, out);
  }
  return graph;
}

// One cycle of the graph as the nodes along it (first node repeated at the end), or undefined when there is none.
export function findCycle(graph: ReadonlyMap<string, ReadonlyMap<string, unknown>>): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    const at = path.indexOf(node);
    if (at >= 0) return [...path.slice(at), node];
    if (done.has(node)) return undefined;
    path.push(node);
    for (const next of [...(graph.get(node)?.keys() ?? [])].sort()) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(node);
    return undefined;
  };
  for (const node of [...graph.keys()].sort()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}
