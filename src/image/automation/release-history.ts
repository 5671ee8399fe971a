import { git, type GitOptions } from '../../git/run-git.ts';

// The trailer each automated update leaves in its commit message: which workload's container got which image.
// Reading them back tells a tag Capstan released before (and a human has since reverted in Git) from a new one.
const TRAILER = 'Capstan-Release:';

// One trailer line for an update.
export function releaseTrailer(workload: string, container: string, image: string): string {
  return `${TRAILER} ${workload} ${container} ${image}`;
}

// The key releasedBefore answers for.
export function releaseKey(workload: string, container: string, image: string): string {
  return `${workload} ${container} ${image}`;
}

// The updates recorded by trailers in the last `limit` commits reachable from `rev` in the clone at `dir`.
export async function releasedBefore(dir: string, rev: string, opts: GitOptions & { limit?: number }): Promise<Set<string>> {
  const out = await git({
    args: ['log', '--fixed-strings', `--grep=${TRAILER}`, '--format=%B%x00', `--max-count=${opts.limit ?? 1000}`, rev, '--'], cwd: dir,
  }, opts);
  const keys = new Set<string>();
  for (const line of out.split('\n')) {
    const m = /^Capstan-Release: (\S+) (\S+) (\S+)$/.exec(line.trim());
    if (m?.[1] && m[2] && m[3]) keys.add(releaseKey(m[1], m[2], m[3]));
  }
  return keys;
}
