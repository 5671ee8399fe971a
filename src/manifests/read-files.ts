import { lstat, readdir, readFile, readlink, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import type { LoadError } from './manifest.ts';

// The largest manifest file read; kubectl has no limit, but one object can hold at most 1.5 MiB (etcd's limit),
// so a larger file is a mistake or an attack on the daemon's memory.
export const MAX_MANIFEST_FILE_BYTES = 16 * 1024 * 1024;

const isManifestName = (name: string): boolean => /\.ya?ml$/.test(name);
const within = (root: string, path: string): boolean => path === root || path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
const utf8 = new TextDecoder('utf-8', { fatal: true });

// What a walk found so far, and the real directories it has read (each is read once, whatever links lead to it).
interface Found { files: Array<{ file: string; text: string }>; errors: LoadError[]; dirs: Set<string> }

// Why a file cannot be read, in words (a missing file, a loop, a permission), from the error of a file call.
function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return 'is a symbolic link loop; skipped';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied); skipped';
  if (code === 'ENOENT') return 'is a broken symbolic link; skipped';
  return `cannot be read (${code ?? (err as Error).message}); skipped`;
}

// Reads one manifest file (already known to lie inside the repository): at most MAX_MANIFEST_FILE_BYTES of UTF-8
// text without NUL bytes; anything else is an error for this file only.
async function readManifest(real: string, rel: string, out: Found): Promise<void> {
  try {
    const size = (await stat(real)).size;
    if (size > MAX_MANIFEST_FILE_BYTES) {
      out.errors.push({ file: rel, message: `is ${size} bytes, more than the ${MAX_MANIFEST_FILE_BYTES} a manifest file may have; skipped` });
      return;
    }
    const bytes = await readFile(real);
    let text: string | undefined;
    try {
      text = bytes.includes(0) ? undefined : utf8.decode(bytes);
    } catch {
      text = undefined;
    }
    if (text === undefined) out.errors.push({ file: rel, message: 'is not UTF-8 text (a binary file?); skipped' });
    else out.files.push({ file: rel, text });
  } catch (err) {
    out.errors.push({ file: rel, message: reason(err) });
  }
}

// Walks `rel` (a file or directory under the repository's real path `root`) and collects its manifests. Links
// are followed only while they resolve inside the repository; a link out of it, a link to a directory that
// contains it (a loop), and any error reading one entry are reported for that entry, and the walk goes on. A
// directory already read through another path is not read again. `parents` are the real directories on the way.
async function visit(root: string, rel: string, parents: readonly string[], out: Found): Promise<void> {
  const path = join(root, rel);
  const name = rel.split(sep).at(-1) ?? rel;
  try {
    const own = await lstat(path);
    let real = path;
    if (own.isSymbolicLink()) {
      const target = await readlink(path);
      try {
        real = await realpath(path);
      } catch (err) {
        if (isManifestName(name)) out.errors.push({ file: rel, message: reason(err) });
        return;
      }
      if (!within(root, real)) {
        const s = await stat(real).catch(() => undefined);
        if (isManifestName(name) || s?.isDirectory()) {
          out.errors.push({ file: rel, message: `is a symbolic link to "${target}", outside the repository; skipped` });
        }
        return;
      }
    }
    const s = own.isSymbolicLink() ? await stat(real) : own;
    if (s.isDirectory()) {
      if (parents.some((p) => within(real, p))) {
        out.errors.push({ file: rel, message: 'is a symbolic link to a directory that contains it (a loop); skipped' });
        return;
      }
      if (out.dirs.has(real)) return;
      out.dirs.add(real);
      const entries = (await readdir(real)).filter((e) => !e.startsWith('.')).sort(); // .git, .flux.yaml: not manifests
      for (const entry of entries) await visit(root, join(rel, entry), [...parents, real], out);
    } else if (s.isFile() && isManifestName(name)) {
      await readManifest(real, rel, out);
    }
  } catch (err) {
    out.errors.push({ file: rel, message: reason(err) });
  }
}

// Reads every *.yaml / *.yml file under `paths` (relative to `root`, the checked-out revision), sorted by path;
// a path that is absolute, climbs out with `..`, or does not exist is reported as a load error, not thrown. A
// symbolic link out of the repository, a loop, and a file that cannot be read, is too large or is not text
// are each reported for that file alone: the rest is read.
export async function readManifestFiles(root: string, paths: readonly string[]): Promise<{ files: Array<{ file: string; text: string }>; errors: LoadError[] }> {
  const out: Found = { files: [], errors: [], dirs: new Set() };
  const realRoot = await realpath(root);
  for (const path of paths.length ? paths : ['.']) {
    const n = normalize(path);
    if (isAbsolute(path) || n === '..' || n.startsWith(`..${sep}`)) {
      out.errors.push({ file: path, message: 'a --git-path must be relative and inside the repository' });
      continue;
    }
    await visitPath(realRoot, n, path, out);
  }
  const seen = new Set<string>();
  const files = out.files.filter((f) => !seen.has(f.file) && seen.add(f.file)).sort((a, b) => (a.file < b.file ? -1 : 1));
  return { files, errors: out.errors };
}

// A --git-path may itself pass through links (`apps/prod` with `apps -> elsewhere`): each of its segments is
// checked as a link would be, so one that leads out of the repository is reported, not read. `given` is the
// path as configured, for messages.
async function visitPath(root: string, path: string, given: string, out: Found): Promise<void> {
  const segments = path === '.' ? [] : path.split(sep);
  for (let i = 1; i < segments.length; i++) {
    const prefix = segments.slice(0, i).join(sep);
    const real = await realpath(join(root, prefix)).catch(() => undefined);
    if (real !== undefined && !within(root, real)) {
      out.errors.push({ file: given, message: `passes through "${prefix}", a symbolic link out of the repository; skipped` });
      return;
    }
  }
  if (!(await lstat(join(root, path)).then(() => true, () => false))) {
    out.errors.push({ file: given, message: 'path does not exist in this revision' });
    return;
  }
  return visit(root, segments.join(sep), [], out);
}
