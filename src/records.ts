// Reading untyped JSON and YAML (API answers, manifests, config files) one field at a time, without casts.

// The value as a plain object, or undefined (arrays and scalars are not objects here).
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}

// Whether the value is a plain object (not null, not an array).
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
