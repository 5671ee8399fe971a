import { constants } from 'node:fs';
import { lstat, readFile, realpath, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { EditError } from '../edit/locate.ts';

// Why `file` (relative to the checkout `root`) must not be written: it is a symbolic link, or lies under one, so
// a write would land wherever the link points (another file, or outside the repository). Undefined when safe.
async function linkOnTheWay(root: string, file: string): Promise<string | undefined> {
  const realRoot = await realpath(root);
  const path = join(realRoot, file);
  if (!path.startsWith(`${realRoot}/`)) return `${file} is not inside the repository; not written`;
  if ((await lstat(path)).isSymbolicLink()) return `${file} is a symbolic link; Capstan does not write through links`;
  if ((await realpath(dirname(path))) !== dirname(path)) return `${file} lies under a symbolic link; Capstan does not write through links`;
  return undefined;
}

// Rewrites `file` of the checkout at `root` with `edit` (written only when it changed); an EditError becomes
// `error` (it names the file, object and field), and so does a file that is or lies under a symbolic link, which
// is never written through; anything else is thrown.
export async function rewriteFile(root: string, file: string, edit: (text: string) => string): Promise<{ changed: boolean; error?: string }> {
  const refused = await linkOnTheWay(root, file);
  if (refused) return { changed: false, error: refused };
  const path = join(await realpath(root), file);
  const text = await readFile(path, 'utf8');
  try {
    const edited = edit(text);
    if (edited === text) return { changed: false };
    // O_NOFOLLOW: should a link appear in between, the write fails instead of following it
    await writeFile(path, edited, { flag: constants.O_WRONLY | constants.O_TRUNC | constants.O_NOFOLLOW });
    return { changed: true };
  } catch (err) {
    if (err instanceof EditError) return { changed: false, error: err.message };
    throw err;
  }
}
