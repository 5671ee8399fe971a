import { constants } from 'node:fs';
import { lstat, realpath, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { GitOptions } from '../../git/run-git.ts';
import { stageAll } from '../../git/stage.ts';
import { id, type Manifest } from '../../manifests/manifest.ts';
import { editPatch, type PatchTarget, setPatchAnnotation, setPatchImage } from '../../manifests/patch-file.ts';
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

// The object an update is for: fluxd's id, namespace, kind and name.
export type UpdatedObject = Pick<Workload, 'id' | 'namespace' | 'kind' | 'name'>;

// The variables fluxd gave every updater about the workload.
function workloadEnv(w: UpdatedObject): Record<string, string> {
  return { FLUX_WORKLOAD: w.id, FLUX_WL_NS: w.namespace, FLUX_WL_KIND: w.kind, FLUX_WL_NAME: w.name };
}

// Runs the updaters of kind `which` of a commandUpdated path (in its directory, with `env` and the workload's
// variables) and stages what they changed. Undefined when done, else why not.
export async function runUpdaters(root: string, g: GeneratedPath, which: 'containerImage' | 'policy', w: UpdatedObject, env: Record<string, string>, writes: GeneratedWrites): Promise<string | undefined> {
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
export async function editPatchFile(root: string, g: GeneratedPath, w: UpdatedObject, edit: (patch: Record<string, unknown>, target: PatchTarget) => void, writes: GeneratedWrites): Promise<{ changed: boolean; error?: string }> {
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
function patchPodSpec(writes: GeneratedWrites, w: UpdatedObject): readonly string[] | undefined {
  const m = writes.manifests.find((x) => id(x) === w.id);
  return m ? podSpecPath(m.kind, m.apiVersion) : undefined;
}

// Sets container images of a generated workload: in the patchFile (patchUpdated), or by running the
// containerImage updaters once per container with FLUX_CONTAINER, FLUX_IMG and FLUX_TAG (commandUpdated).
export async function setGeneratedImages(root: string, g: GeneratedPath, w: UpdatedObject, images: ReadonlyArray<{ container: string; image: string; tag: string }>, writes: GeneratedWrites): Promise<{ changed: boolean; error?: string }> {
  if (g.config.kind === 'commandUpdated') {
    for (const c of images) {
      const repository = c.image.endsWith(`:${c.tag}`) ? c.image.slice(0, -(c.tag.length + 1)) : c.image;
      const error = await runUpdaters(root, g, 'containerImage', w, { FLUX_CONTAINER: c.container, FLUX_IMG: repository, FLUX_TAG: c.tag }, writes);
      if (error) return { changed: false, error };
    }
    return { changed: images.length > 0 };
  }
  const podSpec = patchPodSpec(writes, w);
  if (!podSpec) return { changed: false, error: `${g.configFile}: only the images of pod-template workloads are written to a patchFile` };
  return editPatchFile(root, g, w, (patch) => {
    for (const c of images) setPatchImage(patch, podSpec, c.container, c.image);
  }, writes);
}

// Sets (value) or removes (undefined) policy annotations of a generated object: in the patchFile (patchUpdated),
// or by running the policy updaters once per annotation with FLUX_POLICY and FLUX_POLICY_VALUE, left unset for
// a removal (commandUpdated).
export async function setGeneratedPolicies(root: string, g: GeneratedPath, w: UpdatedObject, edits: ReadonlyArray<readonly [string, string | undefined]>, writes: GeneratedWrites): Promise<{ changed: boolean; error?: string }> {
  if (g.config.kind === 'commandUpdated') {
    for (const [key, value] of edits) {
      const error = await runUpdaters(root, g, 'policy', w, { FLUX_POLICY: key, ...(value === undefined ? {} : { FLUX_POLICY_VALUE: value }) }, writes);
      if (error) return { changed: false, error };
    }
    return { changed: edits.length > 0 };
  }
  return editPatchFile(root, g, w, (patch) => {
    for (const [key, value] of edits) setPatchAnnotation(patch, key, value);
  }, writes);
}
