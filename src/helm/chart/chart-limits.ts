// How big a chart may be once unpacked. Helm's own archive loader stops at 100 MiB in all and 5 MiB per file;
// a chart must also fit in a release Secret (1 MiB compressed), so 50 MiB and 10,000 entries leave room for any
// real chart while an archive bomb or a repository checked out as a "chart" is refused before helm reads it.
export interface ChartLimits {
  // Sum of the sizes of the chart's regular files. Default 50 MiB.
  readonly maxBytes: number;
  // Files, directories and links, each counted once. Default 10,000.
  readonly maxEntries: number;
}

// The limits every chart (Git tree or repository archive) is held to.
export const CHART_LIMITS: ChartLimits = Object.freeze({ maxBytes: 50 * 1024 * 1024, maxEntries: 10_000 });

// What is wrong with a chart's content: the path inside the chart (as the chart's author wrote it) and why.
export interface ChartProblem { path: string; problem: string }

// Whether `path` is `root` or lies under it; both absolute and already resolved (no links, no `..`).
export function isWithin(root: string, path: string): boolean {
  const base = root.endsWith('/') ? root : `${root}/`;
  return path === root || path.startsWith(base);
}

// A byte count for messages: `50 MiB`, `1.5 KiB`, `12 bytes`.
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const [value, unit] = bytes < 1024 ** 2 ? [bytes / 1024, 'KiB'] : [bytes / 1024 ** 2, 'MiB'];
  return `${Number(value.toFixed(1))} ${unit}`;
}
