import { resolveRef } from './mirror.ts';
import { git, remoteOf, type GitOptions } from './run-git.ts';

// The commit the sync tag (fluxd's `flux-sync`, --git-sync-tag) points at in a mirror, or undefined when the
// repository has none yet. The mirror fetches every ref, tags included.
export async function syncTagCommit(dir: string, tag: string, opts: GitOptions = {}): Promise<string | undefined> {
  return resolveRef(dir, `refs/tags/${tag}`, opts);
}

// Moves the sync tag to `sha` and pushes it, as fluxd did after a sync. Only the tag is force-pushed (a tag that
// moves is rewritten by definition); branches are never touched.
// The tag is annotated ("Sync pointer", as fluxd's) with `committer` as its tagger.
export async function moveSyncTag(dir: string, url: string, move: { tag: string; sha: string; committer: { name: string; email: string }; ciSkip?: string }, opts: GitOptions = {}): Promise<void> {
  const remote = remoteOf(url, opts.auth);
  const ref = `refs/tags/${move.tag}`;
  const env = { GIT_COMMITTER_NAME: move.committer.name, GIT_COMMITTER_EMAIL: move.committer.email };
  await git({ args: ['tag', '--annotate', '--force', '--message', move.ciSkip ? `Sync pointer\n\n${move.ciSkip}` : 'Sync pointer', move.tag, move.sha], gitDir: dir, env }, opts);
  await git({ args: ['push', '--force', '--', remote.url, `${ref}:${ref}`], gitDir: dir, remote }, opts);
}
