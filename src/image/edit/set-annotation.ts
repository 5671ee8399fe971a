// Write-back of one policy annotation into the manifest file that defines an object, changing only that entry.
import { isMap, isScalar, type Pair, type YAMLMap } from 'yaml';
import { EditError, type EditOptions, type EditTarget, type Located, locateObject, mapAt, pairOf } from './locate.ts';
import { applySplices, doubleQuoted, isPlainSafe, type Splice, scalarSplice } from './splice.ts';

// The file with `metadata.annotations[key]` set to `value` (or removed, for undefined); everything else is left
// byte for byte. An existing value is rewritten in its own quoting style; a new entry goes on a new line after
// the last one, at their indentation (or `, key: "value"` in a `{...}` map), `annotations:` being added to
// metadata when missing and dropped with its last entry. New values are double-quoted: annotations are strings.
export function setAnnotation(text: string, file: string, target: EditTarget, key: string, value: string | undefined, opts: EditOptions): string {
  const located = locateObject(text, file, target, opts);
  const metadata = mapAt(located, located.object, ['metadata']);
  const annotationsPair = pairOf(metadata, 'annotations');
  const annotations = annotationsPair?.value;
  const entry = isMap(annotations) ? pairOf(annotations, key) : undefined;
  const field = `metadata.annotations.${key}`;
  if (annotationsPair && !isMap(annotations) && !isEmpty(annotations)) {
    throw new EditError({ ...located, field: 'metadata.annotations' }, 'is not a mapping');
  }
  if (value === undefined) {
    if (!entry || !isMap(annotations) || !annotationsPair) return text;
    const last = annotations.items.length === 1;
    return applySplices(text, [last ? removePair(text, located, metadata, annotationsPair) : removePair(text, located, annotations, entry)]);
  }
  if (entry) {
    if (!isScalar(entry.value)) throw new EditError({ ...located, field }, 'is not a value written in the file (an alias?)');
    if (entry.value.value === value) return text;
    return applySplices(text, [scalarSplice(text, entry.value, value, isMap(annotations) && annotations.flow === true)]);
  }
  const line = `${plainKey(key)}: ${doubleQuoted(value)}`;
  if (isMap(annotations)) return applySplices(text, [addPair(text, located, annotations, line)]);
  if (annotationsPair && isScalar(annotations) && annotations.range) {
    // `annotations:` with nothing (or null) after it
    const [start, end] = annotations.range;
    if (start !== end) return applySplices(text, [{ start, end, insert: `{${line}}` }]);
    const at = lineEnd(text, end);
    return applySplices(text, [{ start: at, end: at, insert: `${located.eol}${entryIndent(text, located, metadata)}${line}` }]);
  }
  if (metadata.flow) return applySplices(text, [addPair(text, located, metadata, `annotations: {${line}}`)]);
  return applySplices(text, [addPair(text, located, metadata, `annotations:${located.eol}${entryIndent(text, located, metadata)}${line}`)]);
}

function isEmpty(node: unknown): boolean {
  return isScalar(node) && (node.value === null || node.value === undefined);
}

function plainKey(key: string): string {
  return isPlainSafe(key, true) ? key : doubleQuoted(key);
}

// A new pair after a map's last one: on its own line at the pairs' indentation, or `, pair` inside `{...}`.
function addPair(text: string, located: Located, map: YAMLMap, pair: string): Splice {
  const last = map.items.at(-1);
  if (map.flow) {
    if (!last) {
      const open = (map.range?.[0] ?? 0) + 1;
      return { start: open, end: open, insert: pair };
    }
    const end = pairEnd(last);
    return { start: end, end, insert: `, ${pair}` };
  }
  if (!last) throw new EditError(located, 'an empty block mapping cannot be added to');
  const at = lineEnd(text, pairEnd(last));
  return { start: at, end: at, insert: `${located.eol}${indentOf(text, map)}${pair}` };
}

// The splice taking a pair out: its whole line(s) in a block map, the pair and one comma in a `{...}` map.
function removePair(text: string, located: Located, map: YAMLMap, pair: Pair): Splice {
  const index = map.items.indexOf(pair as (typeof map.items)[number]);
  const keyStart = keyStartOf(pair);
  if (map.flow) {
    const next = map.items[index + 1];
    if (next) return { start: keyStart, end: keyStartOf(next), insert: '' };
    const previous = map.items[index - 1];
    return { start: previous ? pairEnd(previous) : keyStart, end: pairEnd(pair), insert: '' };
  }
  const start = text.lastIndexOf('\n', keyStart - 1) + 1;
  if (text.slice(start, keyStart).trim() !== '') throw new EditError(located, 'the annotation does not start its own line; edit it by hand');
  const end = pairEnd(pair);
  if (text[end - 1] === '\n') return { start, end, insert: '' };
  const newline = text.indexOf('\n', end);
  if (newline >= 0) return { start, end: newline + 1, insert: '' };
  // the last line of a file without a final line break: take the line break before it instead
  const before = start > 1 && text[start - 2] === '\r' ? 2 : 1;
  return { start: Math.max(0, start - before), end: text.length, insert: '' };
}

function keyStartOf(pair: Pair): number {
  return (pair.key as { range?: [number, number, number] }).range?.[0] ?? 0;
}

// Where a pair's content ends: its value's end (before any trailing comment), or its key's.
function pairEnd(pair: Pair): number {
  const node = (pair.value ?? pair.key) as { range?: [number, number, number] } | null;
  return node?.range?.[1] ?? 0;
}

// The offset before the line break ending the line `offset` is on (a range ending in a line break: that one).
function lineEnd(text: string, offset: number): number {
  if (text[offset - 1] === '\n') return offset - (text[offset - 2] === '\r' ? 2 : 1);
  const newline = text.indexOf('\n', offset);
  if (newline < 0) return text.length;
  return text[newline - 1] === '\r' ? newline - 1 : newline;
}

// The whitespace before a block map's first key.
function indentOf(text: string, map: YAMLMap): string {
  const keyStart = map.items[0] ? keyStartOf(map.items[0]) : 0;
  return ' '.repeat(columnOf(text, keyStart));
}

// The indentation for entries of a new `annotations` map: metadata's own indentation step once more.
function entryIndent(text: string, located: Located, metadata: YAMLMap): string {
  const metadataKey = pairOf(located.object, 'metadata');
  const inner = indentOf(text, metadata).length;
  const outer = metadataKey ? columnOf(text, keyStartOf(metadataKey)) : 0;
  return ' '.repeat(inner + (inner > outer ? inner - outer : 2));
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}
