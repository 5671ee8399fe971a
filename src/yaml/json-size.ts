// Printable ASCII other than `"` and `\`: written as JSON, such a string is itself between quotes.
const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

// The size in UTF-8 bytes of a scalar written as JSON (a string with its quotes and escapes).
export function jsonScalarBytes(value: string | number | boolean | null): number {
  if (typeof value === 'string') return PLAIN_ASCII.test(value) ? value.length + 2 : Buffer.byteLength(JSON.stringify(value));
  return (JSON.stringify(value) ?? 'null').length;
}

// The size in UTF-8 bytes of JSON.stringify(value), or undefined as soon as it is known to pass `limit`: a value
// whose shared references (YAML aliases) would expand far past the limit costs only `limit` bytes of walking.
export function jsonBytesWithin(value: unknown, limit: number): number | undefined {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (Array.isArray(next)) {
      total += 2 + Math.max(next.length - 1, 0);
      for (let i = next.length - 1; i >= 0; i--) stack.push(next[i] === undefined ? null : next[i]);
    } else if (typeof next === 'object' && next !== null) {
      const entries = Object.entries(next).filter(([, v]) => v !== undefined);
      total += 2 + Math.max(entries.length - 1, 0);
      for (const [key, v] of entries) {
        total += jsonScalarBytes(key) + 1;
        stack.push(v);
      }
    } else {
      total += typeof next === 'string' || typeof next === 'number' || typeof next === 'boolean' ? jsonScalarBytes(next) : 4;
    }
    if (total > limit) return undefined;
  }
  return total;
}
