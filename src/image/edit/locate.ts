// Finds, in one manifest file, the YAML node of the object an edit is for; the edits splice text at its offsets.
import { type Document, isMap, isScalar, isSeq, type Node, type Pair, parseAllDocuments, type Tags, type YAMLMap } from 'yaml';
import { resourceId } from '../../manifests/manifest.ts';
import { isList } from '../../manifests/to-manifest.ts';
import { readYamlDocuments } from '../../yaml/read-yaml.ts';
import { YamlError, YamlProblem } from '../../yaml/yaml-error.ts';

// An edit that cannot be made as asked: the object or field is not in the file, or not written so it can be
// changed in place. A person must fix the file or the request; retrying does not help.
export class EditError extends Error {
  override name = 'EditError';
  readonly file: string;
  readonly id: string;
  readonly field: string | undefined;

  constructor(where: { file: string; id: string; field?: string }, problem: string, options?: ErrorOptions) {
    super(`${where.file}: ${where.id}${where.field ? ` ${where.field}` : ''}: ${problem}`, options);
    this.file = where.file;
    this.id = where.id;
    this.field = where.field;
  }
}

// The object an edit is for; a namespaced object naming no namespace is in `defaultNamespace`.
export interface EditTarget {
  kind: string;
  name: string;
  namespace?: string;
}

// How objects are completed, as the loader completes them.
export interface EditOptions {
  defaultNamespace: string;
}

// The object found: its mapping node, its document (to read values with), its id and the file's line break.
export interface Located {
  object: YAMLMap;
  doc: Document;
  id: string;
  file: string;
  eol: string;
}

// Close to how src/sync/load-manifests.ts reads files (YAML 1.1, timestamps kept as strings), for finding nodes;
// keys written twice are refused by readYamlDocuments first (`yaml`'s own check is quadratic in a map's size).
const PARSE_OPTIONS = {
  version: '1.1',
  prettyErrors: false,
  uniqueKeys: false,
  customTags: (tags: Tags): Tags => tags.filter((tag) => (typeof tag === 'string' ? tag : tag.tag) !== 'tag:yaml.org,2002:timestamp'),
} as const;

// Parses a file with the loader's YAML options (for finding nodes and for checking a value's plain form).
export function parseYaml(text: string): Document[] {
  return parseAllDocuments(text, PARSE_OPTIONS) as Document[];
}

// The one object in the file with the target's id (documents and List items); an EditError when there is none
// or more than one.
export function locateObject(text: string, file: string, target: EditTarget, opts: EditOptions): Located {
  const id = resourceId({ ...target, namespace: target.namespace || opts.defaultNamespace });
  assertReadable(text, file, id);
  const docs = parseYaml(text);
  const broken = docs.flatMap((doc) => doc.errors)[0];
  if (broken) throw new EditError({ file, id }, `the file is not valid YAML: ${broken.message}`);
  const found = docs.flatMap((doc) => objectsIn(doc.contents).map((object) => ({ object, doc })))
    .filter(({ object }) => idOf(object, opts) === id);
  if (found.length === 0) throw new EditError({ file, id }, 'no such object in the file');
  if (found.length > 1) throw new EditError({ file, id }, `defined ${found.length} times in the file; refusing to guess which to edit`);
  const [{ object, doc }] = found as [{ object: YAMLMap; doc: Document }];
  return { object, doc, id, file, eol: text.includes('\r\n') ? '\r\n' : '\n' };
}

// The file must first pass the one YAML reader, as the sync loader reads it: within its limits (no alias bomb
// reaches the Document API's toJS), no key written twice.
function assertReadable(text: string, file: string, id: string): void {
  try {
    readYamlDocuments(text, { uniqueKeys: true });
  } catch (err) {
    if (!(err instanceof YamlError)) throw err;
    throw new EditError({ file, id }, `${err.problem === YamlProblem.Limit ? 'the file is refused' : 'the file is not valid YAML'}: ${err.message}`);
  }
}

// The pair of a mapping with a string key, or undefined.
export function pairOf(map: YAMLMap, key: string): Pair<unknown, unknown> | undefined {
  return (map.items as Array<Pair<unknown, unknown>>).find((pair) => isScalar(pair.key) && pair.key.value === key);
}

// The node under a key of a mapping (undefined when absent or not a node).
export function childOf(map: YAMLMap, key: string): Node | undefined {
  const value = pairOf(map, key)?.value;
  return isMap(value) || isSeq(value) || isScalar(value) ? value : undefined;
}

// The mapping at a path of keys below an object, or an EditError naming the path.
export function mapAt(located: Located, from: YAMLMap, path: readonly string[], field = path.join('.')): YAMLMap {
  let node: Node = from;
  for (const key of path) {
    const next: Node | undefined = isMap(node) ? childOf(node, key) : undefined;
    if (!next) throw new EditError({ file: located.file, id: located.id, field }, `no "${key}" mapping here`);
    node = next;
  }
  if (!isMap(node)) throw new EditError({ file: located.file, id: located.id, field }, 'is not a mapping');
  return node;
}

// The objects a document holds: itself, or a List's items (recursively).
function objectsIn(node: unknown): YAMLMap[] {
  if (!isMap(node)) return [];
  const items = childOf(node, 'items');
  const metadata = childOf(node, 'metadata');
  const shape = {
    kind: scalarString(childOf(node, 'kind')),
    items: isSeq(items) ? items.items : undefined,
    metadata: { name: isMap(metadata) ? scalarString(childOf(metadata, 'name')) : undefined },
  };
  if (!isList(shape)) return [node];
  return isSeq(items) ? items.items.flatMap(objectsIn) : [];
}

// An object's id with the namespace defaulted, or undefined when it names no kind or name.
function idOf(object: YAMLMap, opts: EditOptions): string | undefined {
  const metadata = childOf(object, 'metadata');
  const kind = scalarString(childOf(object, 'kind'));
  const name = isMap(metadata) ? scalarString(childOf(metadata, 'name')) : undefined;
  if (!kind || !name) return undefined;
  const namespace = (isMap(metadata) ? scalarString(childOf(metadata, 'namespace')) : undefined) || opts.defaultNamespace;
  return resourceId({ kind, name, namespace });
}

// The string value of a scalar node, or undefined.
export function scalarString(node: Node | undefined): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}
