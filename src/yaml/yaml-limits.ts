// How much one YAML text may cost to read. Every reader of untrusted YAML is held to these, so a small text
// cannot grow into a large value (a "billion laughs" alias bomb) or nest deep enough to exhaust the stack.
export interface YamlLimits {
  // The text's size in UTF-8 bytes. Default 32 MiB (a Helm repository index may be 20 MiB).
  readonly maxBytes: number;
  // The size of all documents of the text as JSON, aliases expanded. Default 64 MiB.
  readonly maxExpandedBytes: number;
  // Alias nodes (`*name`) per document. Default 10,000.
  readonly maxAliases: number;
  // Nested collections. Default 256 (deep CRD schemas need about 60; the parser's stack holds about 1,000).
  readonly maxDepth: number;
}

// The limits used when a reader names none.
export const DEFAULT_YAML_LIMITS: YamlLimits = Object.freeze({
  maxBytes: 32 * 1024 * 1024,
  maxExpandedBytes: 64 * 1024 * 1024,
  maxAliases: 10_000,
  maxDepth: 256,
});

// A byte count for messages: `4 MiB`, `1.5 KiB`, `12 bytes`.
export function bytesText(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const [value, unit] = bytes < 1024 ** 2 ? [bytes / 1024, 'KiB'] : [bytes / 1024 ** 2, 'MiB'];
  return `${Number(value.toFixed(1))} ${unit}`;
}
