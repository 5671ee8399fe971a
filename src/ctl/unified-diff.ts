// The most lines a side may have for the exact (LCS) diff; longer texts are shown as wholly replaced.
const MAX_LINES = 5000;

type Op = { kind: ' ' | '-' | '+'; line: string };

// The line edit script from `a` to `b` by longest common subsequence.
function editScript(a: readonly string[], b: readonly string[]): Op[] {
  if (a.length > MAX_LINES || b.length > MAX_LINES) return [...a.map((line) => ({ kind: '-' as const, line })), ...b.map((line) => ({ kind: '+' as const, line }))];
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = lcs[i] as number[];
      row[j] = a[i] === b[j] ? (lcs[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(lcs[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const ops: Op[] = [];
  let [i, j] = [0, 0];
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i++] ?? '' });
      j++;
    } else if (j < b.length && (i >= a.length || (lcs[i]?.[j + 1] ?? 0) > (lcs[i + 1]?.[j] ?? 0))) ops.push({ kind: '+', line: b[j++] ?? '' });
    else ops.push({ kind: '-', line: a[i++] ?? '' });
  }
  return ops;
}

const lines = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));

// A unified diff (`--- from`, `+++ to`, hunks with `context` lines around changes) of two texts; '' when equal.
export function unifiedDiff(from: { name: string; text: string }, to: { name: string; text: string }, context = 3): string {
  const ops = editScript(lines(from.text), lines(to.text));
  if (ops.every((o) => o.kind === ' ')) return '';
  const out = [`--- ${from.name}`, `+++ ${to.name}`];
  let k = 0;
  while (k < ops.length) {
    if (ops[k]?.kind === ' ') {
      k++;
      continue;
    }
    // a hunk: back up `context` lines, run until `2*context` unchanged lines in a row (or the end)
    const start = Math.max(0, k - context);
    let end = k;
    let same = 0;
    for (; end < ops.length && same < 2 * context + 1; end++) same = ops[end]?.kind === ' ' ? same + 1 : 0;
    end = Math.min(ops.length, end - Math.max(0, same - context));
    const aStart = ops.slice(0, start).filter((o) => o.kind !== '+').length;
    const bStart = ops.slice(0, start).filter((o) => o.kind !== '-').length;
    const hunk = ops.slice(start, end);
    const aLen = hunk.filter((o) => o.kind !== '+').length;
    const bLen = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${aLen ? aStart + 1 : aStart},${aLen} +${bLen ? bStart + 1 : bStart},${bLen} @@`, ...hunk.map((o) => `${o.kind}${o.line}`));
    k = end;
  }
  return `${out.join('\n')}\n`;
}
