import { execa } from 'execa';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A private GnuPG home holding the imported keys; `close` stops its gpg-agent and removes it.
export interface GpgHome { dir: string; close(): Promise<void> }

// The files `--git-gpg-key-import` names, as fluxd read them: each path a key file, or a directory whose regular
// files (not its subdirectories) are key files.
export async function keyFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    if (!(await stat(path)).isDirectory()) {
      out.push(path);
      continue;
    }
    for (const entry of (await readdir(path)).filter((e) => !e.startsWith('.')).sort()) {
      if ((await stat(join(path, entry))).isFile()) out.push(join(path, entry));
    }
  }
  return out;
}

// Makes a fresh GnuPG home (0700, under the temporary directory: the agent's socket path must stay short) and
// imports the key files into it with `gpg --batch --import` (file names on the command line, never key data).
// A key that does not import fails start-up with gpg's complaint.
export async function importGpgKeys(files: readonly string[], timeoutMs: number): Promise<GpgHome> {
  const dir = await mkdtemp(join(tmpdir(), 'capstan-gpg-'));
  const gpg = (args: string[]) => execa('gpg', ['--batch', '--no-tty', '--homedir', dir, ...args], { reject: false, timeout: timeoutMs, env: { GNUPGHOME: dir } });
  const close = async (): Promise<void> => {
    await execa('gpgconf', ['--homedir', dir, '--kill', 'all'], { reject: false, timeout: timeoutMs });
    await rm(dir, { recursive: true, force: true });
  };
  for (const file of files) {
    const r = await gpg(['--import', file]);
    if (r.failed) {
      await close();
      throw new Error(`cannot import the GPG key ${file}: ${r.stderr.split('\n').find((l) => l.trim()) ?? `gpg exited with ${r.exitCode}`}`);
    }
  }
  return { dir, close };
}
