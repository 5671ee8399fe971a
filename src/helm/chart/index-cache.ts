import type { CachedIndex, IndexCache } from './repository-index.ts';

// The most indexes the default cache keeps: a cluster uses a few repositories, times a few sets of credentials.
export const MAX_CACHED_INDEXES = 64;
// The most index bytes (as downloaded; the parsed copy keeps about as much alive) the default cache keeps.
export const MAX_CACHED_INDEX_BYTES = 64 * 1024 * 1024;

// Bounds of an lruIndexCache; every field is optional.
export interface IndexCacheLimits {
  // Default MAX_CACHED_INDEXES.
  maxEntries?: number;
  // Default MAX_CACHED_INDEX_BYTES. An index larger than this alone is not cached.
  maxBytes?: number;
}

// An IndexCache in memory that forgets the least recently used index first once it holds more than maxEntries
// indexes or maxBytes bytes; `size` and `bytes` say what it holds now.
export function lruIndexCache(limits: IndexCacheLimits = {}): IndexCache & { readonly size: number; readonly bytes: number } {
  const maxEntries = limits.maxEntries ?? MAX_CACHED_INDEXES;
  const maxBytes = limits.maxBytes ?? MAX_CACHED_INDEX_BYTES;
  const entries = new Map<string, CachedIndex>(); // in order of use, oldest first
  let bytes = 0;
  const forget = (key: string): void => {
    const old = entries.get(key);
    if (old === undefined) return;
    entries.delete(key);
    bytes -= old.bytes ?? 0;
  };
  return {
    get size() { return entries.size; },
    get bytes() { return bytes; },
    get(key) {
      const found = entries.get(key);
      if (found !== undefined) {
        entries.delete(key);
        entries.set(key, found);
      }
      return found;
    },
    set(key, value) {
      forget(key);
      const weight = value.bytes ?? 0;
      if (weight > maxBytes) return;
      entries.set(key, value);
      bytes += weight;
      for (const oldest of entries.keys()) {
        if (entries.size <= maxEntries && bytes <= maxBytes) break;
        forget(oldest);
      }
    },
  };
}
