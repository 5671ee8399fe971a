// Text edits at source offsets, and scalars written in the style of the one they replace.
import { Scalar } from 'yaml';
import { readYaml } from '../../yaml/read-yaml.ts';
import { parseYaml } from './locate.ts';

// Replace `text.slice(start, end)` with `insert`.
export interface Splice {
  start: number;
  end: number;
  insert: string;
}

// The text with every splice made; splices must not overlap (they are applied from the end backwards, so each
// one's offsets refer to the original text).
export function applySplices(text: string, splices: readonly Splice[]): string {
  let out = text;
  for (const s of [...splices].sort((a, b) => b.start - a.start)) out = out.slice(0, s.start) + s.insert + out.slice(s.end);
  return out;
}

// The splice replacing a scalar's value, keeping its style: plain stays plain unless the value would then read
// as something else (a number, a boolean, a comment...), single-quoted stays single-quoted, anything else becomes
// double-quoted. `inFlow` says the scalar sits in a `{...}` or `[...]` collection, where `,[]{}` end a plain one.
export function scalarSplice(text: string, node: Scalar, value: string, inFlow: boolean): Splice {
  const [start, end] = node.range ?? [0, 0];
  if (start === end) return { start, end, insert: ` ${doubleQuoted(value)}` }; // `key:` with no value
  if (node.type === Scalar.PLAIN && isPlainSafe(value, inFlow)) return { start, end, insert: value };
  if (node.type === Scalar.QUOTE_SINGLE && !/[\r\n]/.test(value)) return { start, end, insert: `'${value.replaceAll("'", "''")}'` };
  if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) {
    // a block scalar's range takes in its last line break, which must stay
    const lineBreak = /\r?\n$/.exec(text.slice(start, end))?.[0] ?? '';
    return { start, end, insert: doubleQuoted(value) + lineBreak };
  }
  return { start, end, insert: doubleQuoted(value) };
}

// A YAML double-quoted scalar (JSON string syntax is valid YAML).
export function doubleQuoted(value: string): string {
  return JSON.stringify(value);
}

// Whether the value, written plain, reads back as the same string (in block context, and in flow when asked), to
// `yaml` and to the one YAML reader (by kubectl's and helm's rules `0o12`, `y` and `1e3` are no strings).
export function isPlainSafe(value: string, inFlow: boolean): boolean {
  if (value === '' || /[\r\n]/.test(value)) return false;
  const readsBack = (source: string, pick: (js: unknown) => unknown): boolean => {
    const [doc, ...more] = parseYaml(source);
    if (!doc || more.length > 0 || doc.errors.length > 0 || doc.warnings.length > 0) return false;
    try {
      return pick(doc.toJS()) === value && pick(readYaml(source)) === value; // and as kubectl and helm read it
    } catch {
      return false; // an alias to nothing
    }
  };
  const block = readsBack(`k: ${value}\n`, (js) => (js as Record<string, unknown> | null)?.k);
  return block && (!inFlow || readsBack(`[${value}]\n`, (js) => (Array.isArray(js) && js.length === 1 ? js[0] : undefined)));
}
