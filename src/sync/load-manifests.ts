import { isMap, isNode, isSeq, LineCounter, type Node, parseAllDocuments, type Tags } from 'yaml';
import { asRecord, id, type LoadError, type LoadOptions, type Manifest } from './manifest.ts';
import { isList, isLoadError, toManifest } from './to-manifest.ts';

// What loading gives: the objects to sync and what was skipped, with where.
export interface LoadResult {
  manifests: Manifest[];
  errors: LoadError[];
}

// YAML 1.1 as kubectl reads it (go-yaml v2): `0644` is octal, `yes` is true, `<<` merges; timestamps, which
// go-yaml leaves as strings in untyped objects, stay strings here too.
const PARSE_OPTIONS = {
  version: '1.1',
  prettyErrors: false,
  customTags: (tags: Tags): Tags => tags.filter((tag) => (typeof tag === 'string' ? tag : tag.tag) !== 'tag:yaml.org,2002:timestamp'),
} as const;

// The objects of one YAML file: multi-document, empty documents skipped, Lists flattened, namespace defaulted.
// A YAML error skips the whole file (reported with its line); a bad object skips only itself.
export function parseManifestFile(file: string, text: string, opts: LoadOptions): LoadResult {
  const lineCounter = new LineCounter();
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;
  const docs = parseAllDocuments(text, { ...PARSE_OPTIONS, lineCounter });
  const broken = docs.flatMap((doc) => doc.errors)[0];
  if (broken) return fileSkipped(file, lineAt(broken.pos[0]), `YAML syntax error: ${broken.message}`);
  const result: LoadResult = { manifests: [], errors: [] };
  for (const doc of docs) {
    if (!doc.contents) continue;
    let value: unknown;
    try {
      value = doc.toJS();
    } catch (err) {
      return fileSkipped(file, lineAt(doc.contents.range[0]), `YAML error: ${(err as Error).message}`);
    }
    if (value === null || value === undefined) continue;
    for (const object of objectsIn(value, doc.contents, lineAt(doc.contents.range[0]), lineAt)) {
      const loaded = toManifest(object.value, { file, line: object.line }, opts);
      if (isLoadError(loaded)) result.errors.push(loaded);
      else result.manifests.push(loaded);
    }
  }
  return result;
}

// Every object of every file; an id defined more than once (in two files or two documents) is reported at each
// place and none of its definitions is loaded, while everything else still is.
export function loadManifests(files: ReadonlyArray<{ file: string; text: string }>, opts: LoadOptions): LoadResult {
  const parsed = files.map(({ file, text }) => parseManifestFile(file, text, opts));
  const manifests = parsed.flatMap((r) => r.manifests);
  const errors = parsed.flatMap((r) => r.errors);
  const byId = new Map<string, Manifest[]>();
  for (const m of manifests) {
    const key = id(m, opts.clusterScoped);
    byId.set(key, [...(byId.get(key) ?? []), m]);
  }
  for (const [key, defs] of byId) {
    if (defs.length < 2) continue;
    const places = defs.map((m) => `${m.source.file}:${m.source.line}`).join(', ');
    for (const m of defs) {
      errors.push({ ...m.source, id: key, message: `duplicate definition of ${key} (at ${places}); none of them is applied` });
    }
  }
  return { manifests: manifests.filter((m) => byId.get(id(m, opts.clusterScoped))?.length === 1), errors };
}

function fileSkipped(file: string, line: number, message: string): LoadResult {
  return { manifests: [], errors: [{ file, line, message: `${message}; the whole file is skipped` }] };
}

// The objects a document holds with the line each starts on: itself, or a List's items (recursively).
function objectsIn(value: unknown, node: unknown, line: number, lineAt: (offset: number) => number): Array<{ value: unknown; line: number }> {
  const object = asRecord(value);
  if (!object || !isList(object)) return [{ value, line }];
  const items = Array.isArray(object.items) ? object.items : [];
  const itemsNode = isMap(node) ? node.get('items', true) : undefined;
  return items.flatMap((item, i) => {
    const itemNode: Node | undefined = isSeq(itemsNode) && isNode(itemsNode.items[i]) ? itemsNode.items[i] : undefined;
    const itemLine = itemNode?.range ? lineAt(itemNode.range[0]) : line;
    return objectsIn(item, itemNode, itemLine, lineAt);
  });
}
