import { resolveRef } from './mirror.ts';
import { git, type GitOptions } from './run-git.ts';

// The most commits one answer lists.
const MAX_COMMITS = 1000;

// fluxd's SyncStatus question: the commits of `ref` (a commit id, possibly abbreviated, or a branch) not yet
// under `applied` that touch `paths` (all when empty), newest first; empty when `ref` is applied or past.
// Undefined when the mirror does not know `ref` or `applied`. Nothing applied yet: every commit up to `ref` is pending.
export async function commitsBetween(dir: string, applied: string | undefined, ref: string, paths: readonly string[], opts: GitOptions = {}): Promise<string[] | undefined> {
  const sha = await resolveRef(dir, ref, opts);
  if (!sha) return undefined;
  const base = applied ? await resolveRef(dir, applied, opts) : undefined;
  if (applied && !base) return undefined; // the mirror is behind what was applied: fetch first
  const range = base ? [`^${base}`, sha] : [sha];
  const pathspec = paths.filter((p) => p !== '' && p !== '.');
  const out = await git({ args: ['rev-list', `--max-count=${MAX_COMMITS}`, ...range, '--', ...pathspec], gitDir: dir }, opts);
  return out.split('\n').filter(Boolean);
}
