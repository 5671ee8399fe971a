import { asRecord } from '../records.ts';
import { id, type LoadError, type LoadOptions, type Manifest } from './manifest.ts';
import { isList, isLoadError, toManifest } from './to-manifest.ts';
import { readYamlDocuments, type YamlDocument } from '../yaml/read-yaml.ts';
import { YamlError, YamlProblem } from '../yaml/yaml-error.ts';

// What loading gives: the objects to sync and what was skipped, with where.
export interface LoadResult {
  manifests: Manifest[];
  errors: LoadError[];
}

// The objects of one YAML file, read as kubectl reads YAML (src/yaml/read-yaml.ts): multi-document, empty
// documents skipped, Lists flattened, namespace defaulted, a key written twice refused. A YAML error (an alias
// bomb, a file too large) skips the whole file, reported with its line; a bad object skips only itself.
export function parseManifestFile(file: string, text: string, opts: LoadOptions): LoadResult {
  const lines = new WeakMap<object, number>();
  let docs: YamlDocument[];
  try {
    docs = readYamlDocuments(text, { lines, uniqueKeys: true });
  } catch (err) {
    if (!(err instanceof YamlError)) throw err;
    return fileSkipped(file, err.line ?? 1, `YAML ${err.problem === YamlProblem.Syntax ? 'syntax error' : 'refused'}: ${err.reason}`);
  }
  const result: LoadResult = { manifests: [], errors: [] };
  for (const doc of docs) {
    if (doc.value === null || doc.value === undefined) continue;
    for (const object of objectsIn(doc.value, doc.line, lines)) {
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
function objectsIn(value: unknown, line: number, lines: WeakMap<object, number>): Array<{ value: unknown; line: number }> {
  const object = asRecord(value);
  if (!object || !isList(object)) return [{ value, line }];
  const items = Array.isArray(object.items) ? object.items : [];
  return items.flatMap((item) => objectsIn(item, (typeof item === 'object' && item !== null ? lines.get(item) : undefined) ?? line, lines));
}
