import { chmod, lstat, mkdir } from 'node:fs/promises';
import { ConfigError } from '../config-error.ts';

// Caches (charts, Git mirrors, the sync checkout, helm's homes) hold what credentials fetched, so they live in a
// directory only Capstan's user may enter, never in a shared, world-readable temporary path.

// Makes `dir` (given by --`flag`) private: created with its parents as 0700 when missing; an existing one must be
// a real directory (not a symbolic link) owned by this user and writable by no one else, and is tightened to
// 0700 if others may read or enter it. Anything else is a ConfigError naming the flag (exit code 2).
export async function ensurePrivateDir(dir: string, flag: string): Promise<void> {
  const refuse = (why: string): ConfigError => new ConfigError(flag, `refusing cache directory ${dir}: ${why}; give a directory of your own`);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST') throw refuse(`cannot create it (${code ?? 'error'})`);
  }
  let stats: Awaited<ReturnType<typeof lstat>>;
  try {
    stats = await lstat(dir);
  } catch (error) {
    throw refuse(`cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (stats.isSymbolicLink()) throw refuse('it is a symbolic link');
  if (!stats.isDirectory()) throw refuse('it is not a directory');
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) throw refuse(`it is owned by uid ${stats.uid}, not by this process (uid ${uid})`);
  if ((stats.mode & 0o022) !== 0) throw refuse(`group or others may write to it (mode ${(stats.mode & 0o777).toString(8)})`);
  if ((stats.mode & 0o077) !== 0) await chmod(dir, 0o700);
}
