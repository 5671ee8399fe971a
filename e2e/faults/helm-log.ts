import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { locateHelm } from '../../src/helm/binary.ts';

// One helm invocation seen by the logging wrapper: verb, release, the Capstan process that ran it (the wrapper's
// parent), start and end in ms since the epoch (end undefined when it never returned, e.g. killed).
export interface HelmRun { verb: string; release: string; worker: number; start: number; end?: number }

// The verbs that change a release; `get` and `dependency` only read.
const ACTING = new Set(['install', 'upgrade', 'rollback', 'test', 'uninstall']);

// A `--helm-binary` for Capstan that appends "start|end <wrapper pid> <capstan pid> <ms> <argv>" to a log around
// each invocation of the real helm, so a test can see every helm run per release, by which process, when. A
// SIGTERM to the wrapper reaches helm.
export function loggingHelm(dir: string): { binary: string; runs: () => HelmRun[] } {
  const real = locateHelm(process.env.CAPSTAN_HELM_BINARY, process.env);
  if (!real) throw new Error('no helm: run helm-bin/build.sh');
  const log = join(dir, 'helm-runs.log');
  const binary = join(dir, 'helm');
  // helm runs as a child that gets the TERM Capstan sends to cut it short (bash would die and leave it running)
  writeFileSync(binary, `#!/usr/bin/env bash
echo "start $$ $PPID $(date +%s%3N) $*" >> '${log}'
'${real}' "$@" & child=$!
trap 'kill -TERM $child 2>/dev/null' TERM INT
wait $child; rc=$?
while kill -0 $child 2>/dev/null; do wait $child; rc=$?; done
echo "end $$ $PPID $(date +%s%3N) $*" >> '${log}'
exit $rc
`);
  chmodSync(binary, 0o755);
  return { binary, runs: () => parseRuns(existsSync(log) ? readFileSync(log, 'utf8') : '') };
}

// The release an argv names: the word after `--` when there is one, else the first word after the verb.
function releaseOf(argv: string[]): string {
  const dash = argv.indexOf('--');
  if (dash >= 0) return argv[dash + 1] ?? '';
  return argv[0] === 'get' ? (argv[2] ?? '') : (argv[1] ?? '');
}

// Pairs start and end lines by wrapper pid; only the verbs that act on a release.
export function parseRuns(text: string): HelmRun[] {
  const open = new Map<string, HelmRun>();
  const runs: HelmRun[] = [];
  for (const line of text.split('\n')) {
    const [edge, pid, worker, at, ...argv] = line.split(' ');
    if (!edge || !pid || !argv.length || !ACTING.has(argv[0] ?? '')) continue;
    if (edge === 'start') {
      const run: HelmRun = { verb: argv[0] ?? '', release: releaseOf(argv), worker: Number(worker), start: Number(at) };
      open.set(pid, run);
      runs.push(run);
    } else {
      const run = open.get(pid);
      if (run) run.end = Number(at);
      open.delete(pid);
    }
  }
  return runs;
}

// Pairs of runs on one release that overlapped in time. A run that never ended lasted until its process was
// killed (`killedAt`, by Capstan pid), or is still going.
export function overlappingRuns(runs: readonly HelmRun[], killedAt: ReadonlyMap<number, number>): Array<[HelmRun, HelmRun]> {
  const endOf = (r: HelmRun) => r.end ?? killedAt.get(r.worker) ?? Number.POSITIVE_INFINITY;
  const found: Array<[HelmRun, HelmRun]> = [];
  const byRelease = Map.groupBy(runs, (r) => r.release);
  for (const list of byRelease.values()) {
    let latest: HelmRun | undefined; // of the runs started so far, the one that ends last
    for (const cur of [...list].sort((a, b) => a.start - b.start)) {
      if (latest && cur.start < endOf(latest)) found.push([latest, cur]);
      if (!latest || endOf(cur) > endOf(latest)) latest = cur;
    }
  }
  return found;
}
