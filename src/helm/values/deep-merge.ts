import { setMapKey } from '../../yaml/map-key.ts';

// Merges `source` into `target` as the Helm Operator did: maps merge recursively, anything else (lists included)
// is replaced by the source. Returns a new object; inputs are not changed.
export function deepMerge(target: Record<string, unknown>, source: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(source)) {
    const current = Object.hasOwn(out, key) ? out[key] : undefined;
    setMapKey(out, key, isMap(current) && isMap(value) ? deepMerge(current, value) : value); // `__proto__` too
  }
  return out;
}

// A plain YAML/JSON map (not a list, not null).
export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
