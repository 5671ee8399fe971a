import { git, type GitOptions } from './run-git.ts';

// Stages every change under `paths` of the working clone `dir`, new files included: a .flux.yaml patchFile made
// by the first update, or files an updater command wrote (fluxd ran `git add .` with manifest generation), which
// a commit of tracked files alone would leave out.
export async function stageAll(dir: string, paths: readonly string[], opts: GitOptions): Promise<void> {
  await git({ args: ['add', '--all', '--', ...(paths.length ? paths : ['.'])], cwd: dir }, opts);
}
