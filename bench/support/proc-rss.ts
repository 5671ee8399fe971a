import { readdirSync, readFileSync } from 'node:fs';

// One process of a tree as /proc shows it: its command name and resident memory in bytes.
// CPU in clock ticks: its own (user + system) and that of its children it has waited for (helm runs, once reaped).
export interface ProcInfo { pid: number; ppid: number; comm: string; rssBytes: number; ownTicks: number; childTicks: number }

const PAGE = 4096;

// Every process on the machine (those that vanish while read are skipped).
export function processes(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      const n = (i: number) => Number(fields[i]);
      out.push({ pid: Number(name), ppid: n(1), comm, rssBytes: n(21) * PAGE, ownTicks: n(11) + n(12), childTicks: n(13) + n(14) });
    } catch { /* gone meanwhile */ }
  }
  return out;
}

// The processes descending from `root` (itself included).
export function tree(root: number, all: ProcInfo[] = processes()): ProcInfo[] {
  const children = new Map<number, ProcInfo[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out: ProcInfo[] = [];
  const visit = (pid: number) => {
    const self = all.find((p) => p.pid === pid);
    if (self) out.push(self);
    for (const c of children.get(pid) ?? []) visit(c.pid);
  };
  visit(root);
  return out;
}

// Samples a process tree's resident memory every `everyMs` until stopped: the peak of the sum over the tree's own
// processes (`self`, helm excluded) and, apart, the peak sum of its helm children.
export function sampleRss(root: () => number[], everyMs = 200) {
  let self = 0;
  let helm = 0;
  const sample = () => {
    const all = processes();
    const procs = root().flatMap((pid) => tree(pid, all));
    self = Math.max(self, procs.filter((p) => p.comm !== 'helm').reduce((s, p) => s + p.rssBytes, 0));
    helm = Math.max(helm, procs.filter((p) => p.comm === 'helm').reduce((s, p) => s + p.rssBytes, 0));
  };
  const timer = setInterval(sample, everyMs);
  sample();
  return { stop: () => { clearInterval(timer); sample(); return { selfBytes: self, helmBytes: helm }; } };
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

// CPU milliseconds of a process tree so far: the tree's own processes (helm excluded) and helm (running helm
// processes plus the reaped children of the others, which are helm runs and a few git calls).
export function treeCpuMs(roots: number[]): { selfMs: number; helmMs: number } {
  const all = processes();
  const procs = roots.flatMap((pid) => tree(pid, all));
  const own = procs.filter((p) => p.comm !== 'helm');
  return {
    selfMs: own.reduce((s, p) => s + p.ownTicks, 0) * TICK_MS,
    helmMs: (procs.filter((p) => p.comm === 'helm').reduce((s, p) => s + p.ownTicks, 0) + own.reduce((s, p) => s + p.childTicks, 0)) * TICK_MS,
  };
}
