import { stringify } from 'yaml';

// The formats of `-o`: a table for people (default), JSON or YAML for scripts.
export const OutputFormat = { table: 'table', json: 'json', yaml: 'yaml' } as const;
export type OutputFormat = (typeof OutputFormat)[keyof typeof OutputFormat];

// Left-aligned columns separated by three spaces, as kubectl and fluxctl print them; no trailing spaces.
export function formatTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('   ').trimEnd();
  return `${[headers, ...rows].map(line).join('\n')}\n`;
}

// What a command prints: the table, or the data as JSON or YAML.
export function render(format: OutputFormat, data: unknown, table: () => string): string {
  if (format === OutputFormat.json) return `${JSON.stringify(data, null, 2)}\n`;
  if (format === OutputFormat.yaml) return stringify(data);
  return table();
}

// A duration for a table: 850ms, 12s, 3m4s, 2h5m, 3d4h.
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? `${Math.floor((s % 3600) / 60)}m` : ''}`;
  return `${Math.floor(s / 86_400)}d${Math.floor((s % 86_400) / 3600) ? `${Math.floor((s % 86_400) / 3600)}h` : ''}`;
}
