import { readFile, realpath } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { findFluxYaml } from './find-flux-yaml.ts';
import { type FluxConfig, FluxYamlError, parseFluxYaml } from './flux-yaml.ts';
import type { LoadError } from './manifest.ts';
import { applyPatches, readPatches } from './patch-file.ts';
import { readManifestFiles } from './read-files.ts';
import { GenerationError, runFluxCommand } from './run-command.ts';

// A sync path whose manifests a .flux.yaml generates: the config, where it is, and the name its output is loaded
// under (the `file` of its manifests, so image automation and policy changes know where to write instead).
export interface GeneratedPath {
  path: string; // the sync path, relative to the checkout
  dir: string; // where its commands run and its patchFile lies, relative to the checkout
  configFile: string; // the .flux.yaml, relative to the checkout
  config: Exclude<FluxConfig, { kind: 'scanForFiles' }>;
  output: string; // the `file` name of the generated stream
}

// What a checkout holds for a source: the files to load (plain ones and generated streams), what could not be read
// or generated, and the paths whose manifests were generated.
export interface SourceFiles {
  files: Array<{ file: string; text: string }>;
  errors: LoadError[];
  generated: GeneratedPath[];
}

// With --manifest-generation: whether .flux.yaml files are honoured, the default namespace (to match patches),
// and the sync's signal (generators stop with it).
export interface ReadSourceOptions { manifestGeneration?: boolean | undefined; defaultNamespace: string; signal?: AbortSignal | undefined }

// The manifests of `paths` of a checkout. Without --manifest-generation this is readManifestFiles (dot files,
// .flux.yaml among them, are never read). With it, each path that has a .flux.yaml at it or above it (scanForFiles
// aside) is generated instead: its generators run one after another in the path's directory and their outputs are
// joined into one stream, then a patchUpdated patchFile is merged in. A .flux.yaml that is invalid, a generator
// that fails and a patchFile that cannot be read each become a load error naming the .flux.yaml, and nothing of
// that path is loaded, so the sync is incomplete and garbage collection deletes nothing.
export async function readSourceFiles(root: string, paths: readonly string[], opts: ReadSourceOptions): Promise<SourceFiles> {
  if (!opts.manifestGeneration) return { ...(await readManifestFiles(root, paths)), generated: [] };
  const realRoot = await realpath(root);
  const plain: string[] = [];
  const out: SourceFiles = { files: [], errors: [], generated: [] };
  for (const given of paths.length ? paths : ['.']) {
    const path = normalize(given);
    const escapes = isAbsolute(given) || path === '..' || path.startsWith(`..${sep}`);
    const found = escapes ? undefined : await findFluxYaml(realRoot, path);
    if (!found) {
      plain.push(given);
      continue;
    }
    const realDir = await realpath(join(realRoot, found.dir)).catch(() => undefined);
    if (realDir === undefined || (realDir !== realRoot && !realDir.startsWith(`${realRoot}${sep}`))) {
      // its commands would run outside the repository
      out.errors.push({ file: given, message: 'passes through a symbolic link out of the repository; not generated' });
      continue;
    }
    let config: FluxConfig;
    try {
      config = parseFluxYaml(await readFile(join(realRoot, found.file), 'utf8'));
    } catch (err) {
      if (!(err instanceof FluxYamlError)) throw err;
      out.errors.push({ file: found.file, message: `${found.file}: ${err.message}; nothing of --git-path ${given} is applied` });
      continue;
    }
    if (config.kind === 'scanForFiles') {
      plain.push(given);
      continue;
    }
    const generated: GeneratedPath = { path, dir: found.dir, configFile: found.file, config, output: `${found.file} (generated for ${path})` };
    try {
      out.files.push({ file: generated.output, text: await generate(realRoot, generated, opts) });
      out.generated.push(generated);
    } catch (err) {
      if (!(err instanceof GenerationError)) throw err;
      out.errors.push({ file: found.file, message: `${err.message}; nothing of --git-path ${given} is applied` });
    }
  }
  if (plain.length) {
    const read = await readManifestFiles(root, plain);
    out.files.push(...read.files);
    out.errors.push(...read.errors);
  }
  return out;
}

// Runs the generators of one path and merges the patchFile in; every failure is a GenerationError.
async function generate(root: string, g: GeneratedPath, opts: ReadSourceOptions): Promise<string> {
  const cwd = join(root, g.dir);
  const outputs: string[] = [];
  for (const cmd of g.config.generators) {
    const text = await runFluxCommand(cmd, { configFile: g.configFile, cwd, signal: opts.signal });
    outputs.push(text.endsWith('\n') || text === '' ? text : `${text}\n`);
  }
  // a document may end without a newline or `---`: each output starts a new document
  const stream = outputs.filter((o) => o.trim() !== '').join('---\n');
  if (g.config.kind !== 'patchUpdated') return stream;
  const patchPath = join(g.dir, g.config.patchFile);
  try {
    const text = await readPatchFile(root, patchPath);
    return applyPatches(stream, text === undefined ? [] : readPatches(text), opts.defaultNamespace);
  } catch (err) {
    throw new GenerationError(g.configFile, `patchFile ${patchPath}: ${(err as Error).message}`);
  }
}

// The patch file's text; undefined when it does not exist yet (no update made so far). One out of the checkout (a
// link) is refused.
async function readPatchFile(root: string, patchPath: string): Promise<string | undefined> {
  const real = await realpath(join(root, patchPath)).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (real === undefined) return undefined;
  if (!real.startsWith(`${root}${sep}`)) throw new Error('is a symbolic link out of the repository');
  return readFile(real, 'utf8');
}
