import { type TarEntry, TarType } from './tar-entries.ts';

// The entries of a chart archive by normalised path (`hello/templates/x.yaml`), for resolving links as an
// unpacker would, without unpacking.
export type ArchiveTree = Map<string, TarEntry>;

// Where a link leads inside the archive: the path's segments, or why it leads nowhere safe.
export type Resolution = { path: string[] } | { leaves: true } | { loop: true };

const MAX_HOPS = 40; // as Linux's limit on links followed in one lookup

// An entry name as helm reads it (`\` is a separator too), as segments without `.` and empty ones; a string says
// why the name is refused (absolute, a drive letter, or a `..` segment).
export function entrySegments(name: string): string[] | string {
  const slashed = name.replaceAll('\\', '/');
  if (slashed.startsWith('/') || /^[a-z]:/i.test(slashed)) return 'is an absolute path';
  const segments = slashed.split('/').filter((s) => s !== '' && s !== '.');
  return segments.includes('..') ? 'climbs out with ".."' : segments;
}

// Follows `target` from the directory `dir` (segments) through the archive's symbolic links, as the kernel would
// after unpacking: an absolute target or one that climbs above the archive's root leaves it.
export function resolveInArchive(tree: ArchiveTree, dir: readonly string[], target: string): Resolution {
  if (target.startsWith('/')) return { leaves: true };
  const path = [...dir];
  let rest = target.split('/');
  let hops = 0;
  while (rest.length > 0) {
    const segment = rest.shift();
    if (!segment || segment === '.') continue;
    if (segment === '..') {
      if (path.length === 0) return { leaves: true };
      path.pop();
      continue;
    }
    path.push(segment);
    const entry = tree.get(path.join('/'));
    if (entry?.type !== TarType.Symlink) continue;
    if (++hops > MAX_HOPS) return { loop: true };
    if (entry.linkName.startsWith('/')) return { leaves: true };
    path.pop();
    rest = [...entry.linkName.split('/'), ...rest];
  }
  return { path };
}

// The first proper prefix of `segments` that is a symbolic link in the archive (an entry unpacked through it
// would land wherever the link points), or undefined.
export function linkedParent(tree: ArchiveTree, segments: readonly string[]): string | undefined {
  for (let i = 1; i < segments.length; i++) {
    const prefix = segments.slice(0, i).join('/');
    if (tree.get(prefix)?.type === TarType.Symlink) return prefix;
  }
  return undefined;
}

// Why a link entry at `segments` is refused, or undefined when it stays in its chart (the archive's top-level
// directory). A symbolic link's target is relative to its directory; a hard link's to the archive's root.
export function linkProblem(tree: ArchiveTree, segments: readonly string[], entry: TarEntry): string | undefined {
  const top = segments[0];
  if (entry.type === TarType.Symlink) {
    const to = resolveInArchive(tree, segments.slice(0, -1), entry.linkName);
    if ('loop' in to) return `is a symbolic link loop ("${entry.linkName}")`;
    if ('leaves' in to || to.path[0] !== top) return `is a symbolic link to "${entry.linkName}", outside the chart`;
    return undefined;
  }
  if (entry.type !== TarType.Hardlink) return undefined;
  const target = entrySegments(entry.linkName);
  if (typeof target === 'string' || target[0] !== top) return `is a hard link to "${entry.linkName}", outside the chart`;
  if (tree.get(target.join('/'))?.type !== TarType.File || linkedParent(tree, target)) {
    return `is a hard link to "${entry.linkName}", which is not a file of the chart`;
  }
  return undefined;
}
