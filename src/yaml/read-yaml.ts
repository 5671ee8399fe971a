// The one reader of untrusted YAML (values, chart indexes, Chart.yaml, manifests, `--config`): js-yaml's parser
// events, built into JSON values by the rules helm and kubectl read YAML with, within YamlLimits. Byte-minimal
// edits of files keep using `yaml`'s Document API (src/image/edit), after this reader has accepted the text.
import { parseEvents, YAMLException } from 'js-yaml';
import { constructDocuments } from './construct.ts';
import { YamlError, YamlProblem } from './yaml-error.ts';
import { bytesText, DEFAULT_YAML_LIMITS, type YamlLimits } from './yaml-limits.ts';

// Limits other than the defaults, and where to record the line each mapping and sequence starts on.
export interface ReadYamlOptions extends Partial<YamlLimits> {
  lines?: WeakMap<object, number>;
  // Build only the first document, as helm reads a values file.
  firstOnly?: boolean;
  // Refuse a key written twice in one mapping, as kubectl's strict field validation does (helm keeps the last).
  uniqueKeys?: boolean;
}

// One document of a YAML stream and the line (1-based) its content starts on.
export interface YamlDocument {
  value: unknown;
  line: number;
}

// Every document of `text` (a stream with no document gives none). Throws a YamlError: `limit` when the text is
// too large, expands too far through aliases, has too many aliases or nests too deep; `syntax` otherwise.
export function readYamlDocuments(text: string, opts: ReadYamlOptions = {}): YamlDocument[] {
  const { lines, firstOnly, uniqueKeys, ...given } = opts;
  const limits: YamlLimits = { ...DEFAULT_YAML_LIMITS, ...given };
  const bytes = Buffer.byteLength(text);
  if (bytes > limits.maxBytes) throw new YamlError(YamlProblem.Limit, `larger than ${bytesText(limits.maxBytes)} (${bytesText(bytes)})`);
  const lineAt = lineIndex(text);
  let events: ReturnType<typeof parseEvents>;
  try {
    events = parseEvents(text, { maxDepth: limits.maxDepth + 1 });
  } catch (err) {
    throw parseError(err, limits);
  }
  const onCollection = lines ? (value: object, offset: number) => lines.set(value, lineAt(offset)) : undefined;
  const docs = constructDocuments(events, { source: text, limits, lineAt, onCollection, firstOnly, uniqueKeys });
  return docs.map((doc) => ({ value: doc.value, line: lineAt(doc.offset) }));
}

// The first document, as helm reads a values file (null for an empty text); later documents are not built.
export function readYaml(text: string, opts: Omit<ReadYamlOptions, 'firstOnly'> = {}): unknown {
  return readYamlDocuments(text, { ...opts, firstOnly: true })[0]?.value ?? null;
}

function parseError(err: unknown, limits: YamlLimits): YamlError {
  if (err instanceof RangeError) return new YamlError(YamlProblem.Limit, `nested deeper than ${limits.maxDepth} levels`);
  if (!(err instanceof YAMLException)) return new YamlError(YamlProblem.Syntax, String((err as Error)?.message ?? err));
  const line = err.mark ? err.mark.line + 1 : undefined;
  if (/maxDepth/.test(err.reason)) return new YamlError(YamlProblem.Limit, `nested deeper than ${limits.maxDepth} levels`, line);
  return new YamlError(YamlProblem.Syntax, err.reason, line);
}

// offset → 1-based line, by binary search over the offsets of line breaks (built on first use).
function lineIndex(text: string): (offset: number) => number {
  let breaks: number[] | undefined;
  return (offset) => {
    if (!breaks) {
      breaks = [];
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) breaks.push(i);
    }
    let lo = 0;
    let hi = breaks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((breaks[mid] as number) < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}
