// What one run of a fault scenario ended in, and the table `npm run test:faults` prints.
export interface RunResult {
  ok: boolean;
  why?: string; // what was wrong, when not ok
  recoveryMs?: number; // from the fault to the end state a user waits for
  note?: string; // e.g. where the kill landed
}

export interface ScenarioReport { scenario: string; runs: RunResult[] }

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

// One line per scenario: runs, how many ended correctly, recovery (median and max), and the notes counted.
export function reportTable(reports: readonly ScenarioReport[]): string {
  const rows = reports.map((r) => {
    const times = r.runs.flatMap((x) => (x.recoveryMs === undefined ? [] : [x.recoveryMs])).sort((a, b) => a - b);
    const notes = new Map<string, number>();
    for (const x of r.runs) if (x.note) notes.set(x.note, (notes.get(x.note) ?? 0) + 1);
    return [
      r.scenario, String(r.runs.length), String(r.runs.filter((x) => x.ok).length),
      times.length ? `${seconds(times[Math.floor((times.length - 1) / 2)] ?? 0)} / ${seconds(times.at(-1) ?? 0)}` : '-',
      [...notes].map(([n, c]) => `${c}× ${n}`).join(', '),
    ];
  });
  const head = ['scenario', 'runs', 'ended correctly', 'recovery median / max', 'where the fault landed'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const failures = reports.flatMap((r) => r.runs.filter((x) => !x.ok).map((x) => `- ${r.scenario}: ${x.why}`));
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line), ...(failures.length ? ['', 'Runs that did not end correctly:', ...failures] : [])].join('\n');
}

// The failures of a report, for a test's assertion message.
export function failuresOf(report: ScenarioReport): string {
  return report.runs.map((r, i) => (r.ok ? '' : `run ${i + 1}: ${r.why}`)).filter(Boolean).join('\n');
}
