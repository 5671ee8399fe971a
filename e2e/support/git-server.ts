import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { eventually } from './cluster.ts';
import { freePort } from './net.ts';

// Commits are made as a test identity, whatever the machine's git config says.
export const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Capstan Test', GIT_AUTHOR_EMAIL: 'test@capstan.invalid',
  GIT_COMMITTER_NAME: 'Capstan Test', GIT_COMMITTER_EMAIL: 'test@capstan.invalid',
  GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0',
};

export const git = (cwd: string, ...args: string[]) => execa('git', args, { cwd, env: GIT_ENV, timeout: 30_000 });

// Bare repositories under one directory, served read-write by `git daemon` on 127.0.0.1 for one test.
export interface GitServer {
  root: string;
  // Creates `<name>.git` and returns its git:// URL.
  createRepo(name: string): Promise<string>;
  // A working clone of a repo, to commit and push from.
  clone(url: string, dir: string): Promise<string>;
  close(): Promise<void>;
}

export async function startGitServer(): Promise<GitServer> {
  const root = mkdtempSync(join(tmpdir(), 'capstan-git-'));
  const repos = join(root, 'repos');
  mkdirSync(repos);
  const port = await freePort();
  const daemon: ResultPromise = execa('git', ['daemon', `--base-path=${repos}`, '--export-all', '--enable=receive-pack',
    '--listen=127.0.0.1', `--port=${port}`, '--reuseaddr', repos], { env: GIT_ENV, reject: false });
  const base = `git://127.0.0.1:${port}`;
  let ready = false;
  return {
    root,
    async createRepo(name) {
      await git(root, 'init', '--bare', '--initial-branch=main', `repos/${name}.git`);
      const url = `${base}/${name}.git`;
      if (!ready) await eventually('git daemon to serve', async () => (await git(root, 'ls-remote', url)).exitCode === 0 || undefined, 15_000);
      ready = true;
      return url;
    },
    async clone(url, dir) {
      await git(root, 'clone', url, dir);
      return join(root, dir);
    },
    async close() {
      daemon.kill();
      await daemon;
      rmSync(root, { recursive: true, force: true });
    },
  };
}

// Copies a directory into a working clone (for putting the fixture chart in a repo).
export function copyInto(from: string, to: string): void {
  cpSync(from, to, { recursive: true });
}
