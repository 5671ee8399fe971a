import { access } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { serialised } from '../serialised.ts';
import { GitError } from './git-error.ts';
import { git, remoteOf, type GitOptions } from './run-git.ts';

// Where write-back commits go and who makes them.
export interface WriteTarget {
  url: string;
  branch: string; // the synced branch: the base of every edit
  pushBranch?: string | undefined; // push here instead (based on it when it exists); default branch
  dir: string; // the working clone, kept between runs
  committer: { name: string; email: string };
  ciSkipMessage?: string | undefined; // appended after a blank line, as fluxd's --git-ci-skip
}

// An edit of the checked-out tree: returns the commit message, or undefined when nothing needs to change.
export type TreeEdit = (root: string, base: string) => Promise<string | undefined>;

// What commitAndPush did: the pushed commit (none when the edit found nothing to change) and how many tries.
export interface PushResult { commit?: string; attempts: number }

const REJECTED = /\[rejected\]|\[remote rejected\]|non-fast-forward|fetch first|failed to update ref|cannot lock ref|stale info/i;

// Whether a push failed because the branch moved under us (another push won the race): worth a rebase and retry.
export function isRejectedPush(err: unknown): boolean {
  return err instanceof GitError && REJECTED.test(err.stderr);
}

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

// Runs `edit` on a fresh checkout of the branch head, commits what it changed (committer from --git-user and
// --git-email, hooks skipped as fluxd did) and pushes. When the push is rejected because the branch moved, it
// fetches again, re-runs the edit on the new head and retries, with backoff, up to maxAttempts; it never
// force-pushes. An edit that finds nothing to change ends it without a commit ("no changes" is success). Calls
// for one working clone run one after another; each process must use its own clone directory.
export function commitAndPush(target: WriteTarget, edit: TreeEdit, opts: GitOptions & { maxAttempts?: number; backoffMs?: number }): Promise<PushResult> {
  return serialised(target.dir, () => commitAndPushNow(target, edit, opts));
}

async function commitAndPushNow(target: WriteTarget, edit: TreeEdit, opts: GitOptions & { maxAttempts?: number; backoffMs?: number }): Promise<PushResult> {
  const remote = remoteOf(target.url, opts.auth);
  const run = (args: string[], extra: { input?: string; remote?: typeof remote } = {}) => git({ args, cwd: target.dir, ...extra }, opts);
  if (!(await exists(`${target.dir}/.git`))) await git({ args: ['init', '--quiet', target.dir] }, opts);
  const pushBranch = target.pushBranch ?? target.branch;
  const maxAttempts = opts.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    const base = await fetchBase(run, remote, target.branch, pushBranch);
    await run(['checkout', '--quiet', '--force', '-B', 'capstan-write', base]);
    await run(['clean', '-fdxq']);
    const message = await edit(target.dir, base);
    if (message === undefined || (await run(['status', '--porcelain', '--untracked-files=no'])) === '') return { attempts: attempt };
    const full = target.ciSkipMessage ? `${message.trimEnd()}\n\n${target.ciSkipMessage}\n` : message;
    await run(['-c', `user.name=${target.committer.name}`, '-c', `user.email=${target.committer.email}`, 'commit', '--quiet', '--no-verify', '--all', '--file', '-'], { input: full });
    try {
      await run(['push', '--quiet', '--', remote.url, `HEAD:refs/heads/${pushBranch}`], { remote });
      return { commit: await run(['rev-parse', 'HEAD']), attempts: attempt };
    } catch (err) {
      if (!isRejectedPush(err) || attempt >= maxAttempts) throw err;
      opts.signal?.throwIfAborted();
      // the branch moved: start again from its new head, after a pause that grows with each try
      const base = (opts.backoffMs ?? 500) * 2 ** (attempt - 1);
      await sleep(base + Math.random() * base, undefined, { signal: opts.signal });
    }
  }
}

// Fetches the branch (and the push branch, which may not exist yet) and returns the commit to start from: the push
// branch when it exists, else the branch.
async function fetchBase(run: (args: string[], extra?: { remote?: ReturnType<typeof remoteOf> }) => Promise<string>, remote: ReturnType<typeof remoteOf>, branch: string, pushBranch: string): Promise<string> {
  const refs = pushBranch === branch ? [branch] : [branch, pushBranch];
  const listed = await run(['ls-remote', '--heads', '--', remote.url, ...refs.map((r) => `refs/heads/${r}`)], { remote });
  const present = new Set(listed.split('\n').map((l) => l.split('\t')[1]).filter(Boolean));
  if (!present.has(`refs/heads/${branch}`)) throw new Error(`branch "${branch}" does not exist in the repository`);
  const wanted = refs.filter((r) => present.has(`refs/heads/${r}`));
  await run(['fetch', '--quiet', '--no-tags', '--', remote.url, ...wanted.map((r) => `+refs/heads/${r}:refs/remotes/origin/${r}`)], { remote });
  return `refs/remotes/origin/${wanted.includes(pushBranch) ? pushBranch : branch}`;
}
