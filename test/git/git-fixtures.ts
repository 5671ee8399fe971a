import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';

// Commits are made as a fixed test identity, whatever the machine's git config or a calling hook says.
export const GIT_TEST_ENV = {
  GIT_AUTHOR_NAME: 'Capstan Test', GIT_AUTHOR_EMAIL: 'test@capstan.invalid',
  GIT_COMMITTER_NAME: 'Capstan Test', GIT_COMMITTER_EMAIL: 'test@capstan.invalid',
  GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0',
  GIT_DIR: undefined, GIT_WORK_TREE: undefined, GIT_INDEX_FILE: undefined,
};

// Runs git in `cwd` as the test identity; resolves its stdout.
export const git = async (cwd: string, ...args: string[]): Promise<string> =>
  (await execa('git', args, { cwd, env: GIT_TEST_ENV, timeout: 30_000 })).stdout;

// The fixture chart that tests put into repositories.
export const HELLO_CHART_DIR = join(import.meta.dirname, '../fixtures/charts/hello');

// Writes (or, for null, deletes) files in the work tree and commits them; returns the commit id.
export async function commit(work: string, files: Record<string, string | null>, message: string): Promise<string> {
  for (const [path, body] of Object.entries(files)) {
    if (body === null) rmSync(join(work, path), { recursive: true, force: true });
    else {
      mkdirSync(join(work, path, '..'), { recursive: true });
      writeFileSync(join(work, path), body);
    }
  }
  await git(work, 'add', '--all');
  await git(work, 'commit', '--quiet', '--allow-empty', '-m', message);
  return git(work, 'rev-parse', 'HEAD');
}
