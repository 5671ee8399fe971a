import { asRecord, isRecord } from '../records.ts';

// Lists whose items are merged by `name` (containers, initContainers, env, volumes, volumeMounts, ...), as a
// strategic-merge patch does for them: every item of both lists is a mapping with a string `name`.
function namedItems(list: readonly unknown[]): boolean {
  return list.every((item) => typeof asRecord(item)?.name === 'string');
}

// The strategic-merge patches fluxd wrote to a patchFile, applied as kubectl would for them: mappings merge key
// by key, `null` removes a key, lists of named items (containers, env, ...) merge item by item by `name` (a new
// name is appended), and any other value or list replaces the original. Returns a new value; neither input is
// changed.
export function strategicMerge(base: unknown, patch: unknown): unknown {
  if (isRecord(patch) && isRecord(base)) {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete out[key];
      else out[key] = key in base ? strategicMerge(base[key], value) : withoutNulls(value);
    }
    return out;
  }
  if (Array.isArray(patch) && Array.isArray(base) && patch.length > 0 && namedItems(patch) && namedItems(base)) {
    const out = [...base];
    for (const item of patch as Array<Record<string, unknown>>) {
      const at = out.findIndex((b) => asRecord(b)?.name === item.name);
      if (at >= 0) out[at] = strategicMerge(out[at], item);
      else out.push(withoutNulls(item));
    }
    return out;
  }
  return withoutNulls(patch);
}

// A patch value added where the original had nothing: its `null`s (removals) have nothing to remove.
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
}
