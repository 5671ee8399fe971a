import { constants } from 'node:fs';
import { lstat, realpath, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { GitOptions } from '../../git/run-git.ts';
import { stageAll } from '../../git/stage.ts';
import { id, type Manifest } from '../../manifests/manifest.ts';
import { editPatch, type PatchTarget } from '../../manifests/patch-file.ts';
import type { GeneratedPath } from '../../manifests/read-sources.ts';
import { GenerationError, runFluxCommand } from '../../manifests/run-command.ts';
import { podSpecPath, type Workload } from '../workload/workload.ts';
import { rewriteFile } from './rewrite-file.ts';

// What writing to generated manifests needs: the generated paths of the checkout, the manifests loaded from it
// (for a workload's apiVersion), the namespace of objects naming none, and how git stages new files.
export interface GeneratedWrites {
  generated: readonly GeneratedPath[];
  manifests: readonly Manifest[];
  defaultNamespace: string;
  git: GitOptions;
  signal?: AbortSignal | undefined;
}

// The generated path a manifest file name (`GeneratedPath.output`) stands for, if it is one.
export function generatedPathOf(writes: GeneratedWrites | undefined, file: string): GeneratedPath | undefined {
  return writes?.generated.find((g) => g.output === file);
}

// The variables fluxd gave every updater about the workload.
function workloadEnv(w: Workload): Record<string, string> {
  return { FLUX_WORKLOAD: w.id, FLUX_WL_NS: w.namespace, FLUX_WL_KIND: w.kind, FLUX_WL_NAME: w.name };
}

// Runs the updaters of kind `which` of a commandUpdated path (in its directory, with `env` and the workload's
// variables) and stages what they changed. Undefined when done, else why not.
export async function runUpdaters(root: string, g: GeneratedPath, which: 'containerImage' | 'policy', w: Workload, env: Record<string, string>, writes: GeneratedWrites): Promise<string | undefined> {
  if (g.config.kind !== 'commandUpdated') return `${g.configFile} is not commandUpdated`;
  const commands = g.config.updaters.flatMap((u) => (u[which] ? [u[which]] : []));
  if (commands.length === 0) return `${g.configFile} has no ${which} updater; ${w.id} is left as it is`;
  try {
    for (const cmd of commands) {
      await runFluxCommand(cmd, { configFile: g.configFile, cwd: join(root, g.dir), env: { ...workloadEnv(w), ...env }, signal: writes.signal });
    }
  } catch (err) {
    if (err instanceof GenerationError) return err.message;
    throw err;
  }
  await stageAll(root, ['.'], writes.git);
  return undefined;
}

// Edits (or creates) the patchFile of a patchUpdated path with `edit` for the workload's patch, and stages it.
export async function editPatchFile(root: string, g: GeneratedPath, w: Workload, edit: (patch: Record<string, unknown>, target: PatchTarget) => void, writes: GeneratedWrites): Promise<{ changed: boolean; error?: string }> {
  if (g.config.kind !== 'patchUpdated') return { changed: false, error: `${g.configFile} is not patchUpdated` };
  const m = writes.manifests.find((x) => id(x) === w.id);
  const target: PatchTarget = { apiVersion: m?.apiVersion ?? 'v1', kind: w.kind, name: w.name, namespace: m?.namespace ?? w.namespace };
  const file = join(g.dir, g.config.patchFile);
  const realRoot = await realpath(root);
  const exists = await lstat(join(realRoot, file)).then(() => true, () => false);
  const change = (text: string) => editPatch(text, target, writes.defaultNamespace, (p) => edit(p, target));
  let result: { changed: boolean; error?: string };
  if (exists) {
    try {
      result = await rewriteFile(root, file, change);
    } catch (err) {
      result = { changed: false, error: `${file}: ${(err as Error).message}` };
    }
  } else {
    // a new patch file: only in a real directory of the checkout, never through a link
    const parent = await realpath(join(realRoot, dirname(file))).catch(() => undefined);
    if (parent === undefined || (parent !== realRoot && !parent.startsWith(`${realRoot}${sep}`)) || parent !== join(realRoot, dirname(file))) {
      return { changed: false, error: `${file}: its directory is missing or a symbolic link; the patch file is not created` };
    }
    await writeFile(join(realRoot, file), change(''), { flag: constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW });
    result = { changed: true };
  }
  if (result.changed) await stageAll(root, [file], writes.git);
  return result;
}

// Where a workload keeps its pod spec, for a patch: undefined for a HelmRelease (its images live in values).
export function patchPodSpec(writes: GeneratedWrites, w: Workload): readonly string[] | undefined {
  const m = writes.manifests.find((x) => id(x) === w.id);
  return m ? podSpecPath(m.kind, m.apiVersion) : undefined;
}
