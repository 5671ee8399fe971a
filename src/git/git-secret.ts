import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { git } from './run-git.ts';

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

// fluxd's --git-secret: `git secret reveal -f` in a checkout, with the private keys of `gnupgHome`, before its
// manifests are read. The checkout is an exported tree, so it is made a repository of its own first (git-secret
// works from the top of one); a tree without `.gitsecret` has nothing to reveal. The revealed files stay in this
// private checkout only: nothing pushed is ever made from it. A failure throws (a GitError): the sync fails whole.
export async function revealSecrets(root: string, opts: { gnupgHome: string; timeoutMs: number }): Promise<void> {
  if (!(await exists(join(root, '.gitsecret')))) return;
  if (!(await exists(join(root, '.git')))) await git({ args: ['init', '--quiet', root] }, opts);
  await git({ args: ['secret', 'reveal', '-f', '-d', opts.gnupgHome], cwd: root, env: { GNUPGHOME: opts.gnupgHome } }, opts);
}
