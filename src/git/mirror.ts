import { createHash, randomUUID } from 'node:crypto';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { persistentCredentialId } from '../fs/credential-id.ts';
import { serialised } from '../serialised.ts';
import { git, remoteOf, type GitOptions, type Remote } from './run-git.ts';

export { DEFAULT_GIT_TIMEOUT_MS, type GitAuth, type GitOptions } from './run-git.ts';

// What fetchMirror needs beyond GitOptions.
export interface MirrorOptions extends GitOptions {
  // Mirrors live in `<cacheDir>/git/<16 hex>`, created when missing. Required.
  cacheDir: string;
  // The fetch is skipped when this mirror's last successful fetch in this process is younger. Default 5000 ms.
  minIntervalMs?: number | undefined;
  // Keeps mirrors of different owners apart (e.g. `<namespace>/<secret>`). Whatever the scope, mirrors fetched
  // with different credentials (Basic auth, in the URL or not, or an SSH key) are kept apart too, so a caller
  // without them never reads what someone else's credentials fetched. Default: none, one mirror per URL.
  scope?: string | undefined;
}


const fetchedAt = new Map<string, number>();
const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

// Writes into `<dest>.tmp-*` with fill, then renames it to dest; a dest that appeared meanwhile is kept.
async function createAtomically(dest: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  const tmp = `${dest}.tmp-${randomUUID()}`;
  try {
    await fill(tmp);
    await rename(tmp, dest).catch(async (error: unknown) => {
      if (!(await exists(dest))) throw error;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
    await rm(`${tmp}.index`, { force: true });
  }
}

// Where the mirror of `url` (credentials in it ignored) lives for this scope: `<cacheDir>/git/<16 hex>`.
export function mirrorDir(cacheDir: string, url: string, scope?: string): string {
  const key = scope ? `${scope}\n${remoteOf(url).url}` : remoteOf(url).url;
  return join(cacheDir, 'git', createHash('sha256').update(key).digest('hex').slice(0, 16));
}

// The scope with the credentials' HMAC (fs/credential-id.ts) added when there are any; anonymous is as given.
async function credentialScope(opts: MirrorOptions, remote: Remote): Promise<string | undefined> {
  if (!remote.auth && !opts.ssh) return opts.scope;
  await mkdir(opts.cacheDir, { recursive: true, mode: 0o700 });
  const id = await persistentCredentialId(opts.cacheDir,
    ['git', remote.auth?.username ?? '', remote.auth?.password ?? '', opts.ssh?.keyFile ?? '']);
  return `${opts.scope ?? ''}\n${id}`;
}

// Brings the bare mirror of `url` up to date and returns its directory: `clone --mirror` the first time, then
// `fetch --prune`; concurrent calls for one mirror queue up, and a fetch younger than minIntervalMs is reused.
export async function fetchMirror(url: string, opts: MirrorOptions): Promise<string> {
  const remote = remoteOf(url, opts.auth);
  const dir = mirrorDir(opts.cacheDir, url, await credentialScope(opts, remote));
  return serialised(dir, async () => {
    opts.signal?.throwIfAborted();
    const last = fetchedAt.get(dir);
    const present = await exists(dir);
    if (present && last !== undefined && Date.now() - last < (opts.minIntervalMs ?? 5000)) return dir;
    if (present) {
      await git({ args: ['fetch', '--prune', '--quiet', 'origin', '+refs/*:refs/*'], gitDir: dir, remote }, opts);
    } else {
      await createAtomically(dir, async (tmp) =>
        void (await git({ args: ['clone', '--mirror', '--quiet', '--', remote.url, tmp], remote }, opts)));
    }
    fetchedAt.set(dir, Date.now());
    return dir;
  });
}

// `git cat-file --batch-check` on several names at once: each one's object id and type, or undefined.
async function describeObjects(dir: string, names: string[], opts: GitOptions): Promise<Array<{ oid: string; type: string } | undefined>> {
  const out = await git({ args: ['cat-file', '--batch-check'], gitDir: dir, input: names.map((n) => `${n}\n`).join('') }, opts);
  return out.split('\n').map((line) => {
    const m = /^([0-9a-f]{40,64}) (\w+) \d+$/.exec(line);
    return m?.[1] && m[2] ? { oid: m[1], type: m[2] } : undefined;
  });
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const unsafeName = (name: string): boolean => /[\x00-\x1f\x7f]/.test(name);

// The commit a branch, tag (annotated or not) or commit id names in the mirror, tried in that order.
export async function resolveRef(dir: string, ref: string, opts: GitOptions = {}): Promise<string | undefined> {
  if (!ref || unsafeName(ref)) return undefined;
  const found = await describeObjects(dir, [`refs/heads/${ref}^{commit}`, `refs/tags/${ref}^{commit}`, `${ref}^{commit}`], opts);
  return found.find((o) => o?.type === 'commit')?.oid;
}

// `a/./b/` → `a/b`; undefined for a path that climbs with `..` or holds control characters. '' is the root.
function treePath(path: string): string | undefined {
  const segments = path.split('/').filter((s) => s !== '' && s !== '.');
  return segments.includes('..') || unsafeName(path) ? undefined : segments.join('/');
}

// The id of the directory `path` in commit `sha` (what `git rev-parse <sha>:<path>` prints), or undefined when
// the commit has no directory there. It changes exactly when something under the path changes.
export async function treeHash(dir: string, sha: string, path: string, opts: GitOptions = {}): Promise<string | undefined> {
  const rel = treePath(path);
  if (rel === undefined || unsafeName(sha)) return undefined;
  const [found] = await describeObjects(dir, [`${sha}:${rel}`], opts);
  return found?.type === 'tree' ? found.oid : undefined;
}

// Writes the directory `path` of commit `sha` to `dest` (its files at dest's top), as a checkout would (modes
// and symlinks kept), through a private index file; appears whole by rename. An existing dest is reused as is.
export async function exportTree(dir: string, tree: { sha: string; path: string; dest: string }, opts: GitOptions = {}): Promise<string> {
  if (await exists(tree.dest)) return tree.dest;
  const id = await treeHash(dir, tree.sha, tree.path, opts);
  if (id === undefined) throw new Error(`commit ${tree.sha} has no directory "${tree.path}"`);
  await createAtomically(tree.dest, async (tmp) => {
    await mkdir(tmp);
    const env = { GIT_INDEX_FILE: `${tmp}.index` };
    await git({ args: ['--work-tree', tmp, 'read-tree', id], gitDir: dir, env }, opts);
    await git({ args: ['--work-tree', tmp, 'checkout-index', '--all', '--force'], gitDir: dir, env }, opts);
  });
  return tree.dest;
}

// The commit `ref` (a branch, else a tag, peeled) names on the remote, without fetching: for cheap polling.
// A full commit id that names no branch or tag is returned as is, since it cannot move.
export async function lsRemote(url: string, ref: string, opts: GitOptions = {}): Promise<string | undefined> {
  if (!ref || unsafeName(ref)) return undefined;
  const remote = remoteOf(url, opts.auth);
  const names = [`refs/heads/${ref}`, `refs/tags/${ref}`, ...(ref.startsWith('refs/') ? [ref] : [])];
  const patterns = names.flatMap((n) => [n, `${n}^{}`]); // a peeled tag is listed only when asked for
  const out = await git({ args: ['ls-remote', '--', remote.url, ...patterns], remote }, opts);
  const refs = new Map(out.split('\n').map((line) => line.split('\t')).map(([sha, name]) => [name, sha]));
  const found = names.map((n) => refs.get(`${n}^{}`) ?? refs.get(n)).find((sha) => sha !== undefined);
  return found ?? (/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i.test(ref) ? ref.toLowerCase() : undefined);
}
