import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';

// `npm pack` of this package, run on a copy of the work tree: its prepack script builds dist/, and tests that pack
// run beside others in the shared tree, where one's `rm -rf dist` would cut another's tarball short.

export const ROOT = join(import.meta.dirname, '..', '..');

// PATH with the project's Node 24 first, so npm, its prepack script and tsc run on it.
export const PROJECT_PATH = `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`;

// The files git would commit now (tracked and new, ignored ones left out), copied into `dir`, with the project's
// node_modules linked in for the build; returns `dir`.
export function copyWorkTree(dir: string): string {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  for (const file of listed.split('\0')) {
    if (!file || !existsSync(join(ROOT, file))) continue; // a file deleted but not yet committed
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(ROOT, file), join(dir, file), { verbatimSymlinks: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

// One file of a tarball as `npm pack --json` lists it.
export interface PackedFile {
  path: string;
  mode: number;
}

// The files `npm pack` would put in the tarball of the package in `dir` (prepack runs: dist/ is built).
export async function packedFiles(dir: string): Promise<PackedFile[]> {
  const { stdout } = await execa('npm', ['pack', '--dry-run', '--json', '--silent'], { cwd: dir, env: { PATH: PROJECT_PATH } });
  return (JSON.parse(stdout) as Array<{ files: PackedFile[] }>)[0]?.files ?? [];
}

// Packs the package in `dir` into `destination`; returns the tarball's path.
export async function packTarball(dir: string, destination: string): Promise<string> {
  const { stdout } = await execa('npm', ['pack', '--json', '--silent', '--pack-destination', destination], { cwd: dir, env: { PATH: PROJECT_PATH } });
  const name = (JSON.parse(stdout) as Array<{ filename: string }>)[0]?.filename;
  if (!name) throw new Error(`npm pack printed no tarball name: ${stdout}`);
  return join(destination, name);
}
