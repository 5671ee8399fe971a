import { EVENT_ID, type Event, type ScalarEvent } from 'js-yaml';
import { jsonScalarBytes } from './json-size.ts';
import { mapKey, setMapKey } from './map-key.ts';
import { type Resolved, scalarValue } from './resolve-scalar.ts';
import { resolveScalarEvent, YAML_HANDLES } from './scalar-event.ts';
import { YamlError, YamlProblem } from './yaml-error.ts';
import { bytesText, type YamlLimits } from './yaml-limits.ts';

// What building needs besides the events: the text they point into, the limits, and where to report lines.
export interface ConstructOptions {
  source: string;
  limits: YamlLimits;
  lineAt: (offset: number) => number;
  // Called with each mapping and sequence built and the offset it starts at.
  onCollection?: (value: object, offset: number) => void;
  // Stop after the first document (helm reads only the first of a values file).
  firstOnly?: boolean;
  // A key written twice in one mapping is an error (kubectl's strict field validation), not "the last wins" (helm).
  uniqueKeys?: boolean;
}

// One document's value and the offset of its first node.
export interface Constructed { value: unknown; offset: number }

// A value built so far: its JSON size with aliases expanded, what a scalar resolved to, whether it is a mapping
// and whether it was reached through an alias.
interface Built { value: unknown; size: number; resolved?: Resolved; isMap?: boolean; alias?: boolean }

const MERGE = Symbol('merge');
type Frame =
  | { kind: 'doc'; root?: Built }
  | { kind: 'seq'; value: unknown[]; size: number; offset: number; anchor?: string }
  | { kind: 'map'; value: Record<string, unknown>; size: number; offset: number; anchor?: string; key?: string | typeof MERGE; count: number; written: Set<string> };

interface State {
  opts: ConstructOptions;
  docs: Constructed[];
  frames: Frame[];
  anchors: Map<string, Built | undefined>;
  handles: Record<string, string>;
  aliases: number;
  aliased: boolean;
  total: number;
  offset: number;
}

// Builds plain JSON values from parser events by helm's rules (see resolve-scalar.ts and map-key.ts): merge keys
// as go-yaml v2 applies them (a merged key replaces one set before it; in a list, earlier maps win), a later
// duplicate key replacing an earlier one. Aliases share the anchor's value, and what they would expand to is
// counted, so an alias bomb stops at `maxExpandedBytes` before anything walks it.
export function constructDocuments(events: readonly Event[], opts: ConstructOptions): Constructed[] {
  const s: State = { opts, docs: [], frames: [], anchors: new Map(), handles: YAML_HANDLES, aliases: 0, aliased: false, total: 0, offset: 0 };
  for (const ev of events) {
    switch (ev.type) {
      case EVENT_ID.DOCUMENT:
        s.anchors = new Map();
        s.aliases = 0;
        s.aliased = false;
        s.handles = { ...YAML_HANDLES };
        for (const d of ev.directives) if (d.kind === 'tag') s.handles[d.handle] = d.prefix;
        s.frames.push({ kind: 'doc' });
        break;
      case EVENT_ID.SCALAR: {
        s.offset = [ev.tagStart, ev.anchorStart, ev.valueStart].find((o) => o !== -1) ?? s.offset;
        const built = scalar(s, ev);
        const anchor = anchorOf(s, ev);
        if (anchor !== undefined) s.anchors.set(anchor, built);
        add(s, built);
        break;
      }
      case EVENT_ID.SEQUENCE:
      case EVENT_ID.MAPPING: {
        s.offset = ev.start;
        const anchor = anchorOf(s, ev);
        if (anchor !== undefined) s.anchors.set(anchor, undefined); // open: an alias to it now would recurse
        if (s.frames.length > opts.limits.maxDepth) fail(s, YamlProblem.Limit, `nested deeper than ${opts.limits.maxDepth} levels`);
        s.frames.push(ev.type === EVENT_ID.SEQUENCE
          ? { kind: 'seq', value: [], size: 2, offset: s.offset, anchor }
          : { kind: 'map', value: {}, size: 2, offset: s.offset, anchor, count: 0, written: new Set() });
        break;
      }
      case EVENT_ID.ALIAS:
        s.offset = ev.anchorStart;
        add(s, alias(s, opts.source.slice(ev.anchorStart, ev.anchorEnd)));
        break;
      case EVENT_ID.POP:
        pop(s);
        if (opts.firstOnly && s.docs.length > 0) return s.docs;
        break;
    }
  }
  return s.docs;
}

function fail(s: State, problem: YamlProblem, message: string): never {
  throw new YamlError(problem, message, s.opts.lineAt(s.offset));
}

function anchorOf(s: State, ev: { anchorStart: number; anchorEnd: number }): string | undefined {
  return ev.anchorStart === -1 ? undefined : s.opts.source.slice(ev.anchorStart, ev.anchorEnd);
}

function scalar(s: State, ev: ScalarEvent): Built {
  let resolved: Resolved;
  try {
    resolved = resolveScalarEvent(s.opts.source, ev, s.handles);
  } catch (err) {
    return fail(s, YamlProblem.Syntax, (err as Error).message);
  }
  const value = scalarValue(resolved);
  return { value, size: jsonScalarBytes(value), resolved };
}

function alias(s: State, name: string): Built {
  if (++s.aliases > s.opts.limits.maxAliases) fail(s, YamlProblem.Limit, `too many aliases (more than ${s.opts.limits.maxAliases} in one document)`);
  if (!s.anchors.has(name)) fail(s, YamlProblem.Syntax, `unknown anchor '${name}' referenced`);
  const built = s.anchors.get(name);
  if (!built) return fail(s, YamlProblem.Syntax, `anchor '${name}' value contains itself`);
  s.aliased = true;
  return { ...built, alias: true };
}

function pop(s: State): void {
  const frame = s.frames.pop();
  if (!frame) return;
  if (frame.kind === 'doc') {
    const root = frame.root ?? { value: null, size: 4 };
    s.total += root.size;
    s.docs.push({ value: root.value, offset: s.offset });
    return;
  }
  s.offset = frame.offset;
  if (frame.kind === 'map' && frame.key !== undefined) fail(s, YamlProblem.Syntax, 'a mapping ends after a key');
  const built: Built = { value: frame.value, size: frame.size, isMap: frame.kind === 'map' };
  s.opts.onCollection?.(frame.value, frame.offset);
  if (frame.anchor !== undefined) s.anchors.set(frame.anchor, built);
  add(s, built);
}

function add(s: State, built: Built): void {
  const frame = s.frames.at(-1);
  if (!frame) return;
  const isKey = frame.kind === 'map' && frame.key === undefined;
  if (!isKey && built.resolved?.kind === 'float' && !Number.isFinite(built.value)) {
    fail(s, YamlProblem.Syntax, 'a value is .inf or .nan, which JSON cannot carry (helm refuses it too)');
  }
  if (frame.kind === 'doc') {
    frame.root = built;
    return;
  }
  if (frame.kind === 'seq') {
    frame.size += built.size + (frame.value.length > 0 ? 1 : 0);
    frame.value.push(built.value);
  } else if (isKey) {
    const key = keyOf(s, built);
    if (s.opts.uniqueKeys && key !== MERGE && frame.written.has(key)) fail(s, YamlProblem.Syntax, `mapping key "${key}" already defined`);
    if (s.opts.uniqueKeys && key !== MERGE) frame.written.add(key);
    frame.key = key;
    return;
  } else {
    const key = frame.key as string | typeof MERGE;
    frame.key = undefined;
    if (key === MERGE) merge(s, frame.value, built);
    else setMapKey(frame.value, key, built.value);
    frame.size += (key === MERGE ? 0 : jsonScalarBytes(key) + 1) + built.size + (frame.count++ > 0 ? 1 : 0);
  }
  if (s.total + frame.size > s.opts.limits.maxExpandedBytes) {
    const limit = bytesText(s.opts.limits.maxExpandedBytes);
    fail(s, YamlProblem.Limit, s.aliased ? `too many aliases: expanded, the YAML is larger than ${limit} as JSON` : `larger than ${limit} as JSON`);
  }
}

function keyOf(s: State, built: Built): string | typeof MERGE {
  if (!built.resolved) return fail(s, YamlProblem.Syntax, 'a map key is a mapping or a sequence, which helm cannot read');
  if (built.resolved.kind === 'merge') return MERGE;
  try {
    return mapKey(built.resolved);
  } catch (err) {
    return fail(s, YamlProblem.Syntax, (err as Error).message);
  }
}

// `<<: *base` or `<<: [*a, *b]`, as go-yaml v2 merges: an alias must name a mapping; in a list, earlier maps win.
function merge(s: State, into: Record<string, unknown>, from: Built): void {
  const copy = (map: Record<string, unknown>): void => {
    for (const key of Object.keys(map)) setMapKey(into, key, map[key]);
  };
  if (from.isMap) copy(from.value as Record<string, unknown>);
  else if (!from.alias && Array.isArray(from.value) && from.value.every(isMapValue)) {
    for (let i = from.value.length - 1; i >= 0; i--) copy(from.value[i] as Record<string, unknown>);
  } else fail(s, YamlProblem.Syntax, 'map merge requires map or sequence of maps as the value');
}

function isMapValue(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
