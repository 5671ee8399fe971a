// The images a HelmRelease's values name, found the way fluxd found them (flux:pkg/cluster/kubernetes/resource/helmrelease.go).
import { asRecord } from '../../records.ts';
import { joinWrittenImage, splitWrittenImage } from './written-image.ts';
import type { ContainerImage } from './workload.ts';

// The container name of an image at the top level of `spec.values`.
export const CHART_IMAGE = 'chart-image';

// Annotation prefixes mapping an alias to dot paths (relative to `spec.values`) of an image's parts.
const MAPPING_PREFIX = { registry: 'registry.fluxcd.io/', repository: 'repository.fluxcd.io/', tag: 'tag.fluxcd.io/' } as const;

type Paths = NonNullable<ContainerImage['paths']>;
type Found = { image: string; paths: Paths };

// The images of a HelmRelease: detected at the top level of the values (`chart-image`) and in each first-level
// key (named after it), then replaced or added by the `repository.fluxcd.io/<alias>` mappings that resolve.
// Ordered `chart-image` first, then by name, as fluxd listed them.
export function helmReleaseImages(annotations: Record<string, string>, values: Record<string, unknown>): ContainerImage[] {
  const found = new Map<string, Found>();
  const top = detectContainer(values, '');
  if (top) found.set(CHART_IMAGE, top);
  for (const [key, value] of Object.entries(values)) {
    const map = asRecord(value);
    const image = map && detectContainer(map, `${key}.`);
    if (image) found.set(key, image);
  }
  for (const [alias, mapping] of mappingsOf(annotations)) {
    const image = resolveMapping(values, mapping);
    if (image) found.set(alias, image);
  }
  const names = [...found.keys()].sort((a, b) => (a === CHART_IMAGE ? -1 : b === CHART_IMAGE ? 1 : a < b ? -1 : a > b ? 1 : 0));
  return names.map((name) => ({ name, ...(found.get(name) as Found) }));
}

// The value at a dot path; a key that itself holds dots is matched too (fluxd's paths could not reach those).
export function valueAtPath(values: unknown, path: string): unknown {
  const walk = (node: unknown, segments: string[]): unknown => {
    if (segments.length === 0) return node;
    const map = asRecord(node);
    if (!map) return undefined;
    for (let n = 1; n <= segments.length; n++) {
      const key = segments.slice(0, n).join('.');
      if (Object.hasOwn(map, key)) {
        const found = walk(map[key], segments.slice(n));
        if (found !== undefined) return found;
      }
    }
    return undefined;
  };
  return walk(values, path.split('.'));
}

// `image: repo/img[:tag]` with optional sibling `registry` and `tag` strings, or `image: {repository, ...}`.
function detectContainer(map: Record<string, unknown>, base: string): Found | undefined {
  const image = map.image;
  if (typeof image === 'string') return withParts(map, image, base, { image: `${base}image` });
  const nested = asRecord(image);
  if (!nested || typeof nested.repository !== 'string') return undefined;
  return withParts(nested, nested.repository, `${base}image.`, { repository: `${base}image.repository` });
}

// The reference with the map's `registry` and `tag` strings (when present) taking the place of its own parts.
function withParts(map: Record<string, unknown>, name: string, base: string, paths: Paths): Found | undefined {
  const ref = splitWrittenImage(name);
  if (!ref) return undefined;
  const found: Paths = { ...paths };
  if (typeof map.registry === 'string') {
    ref.domain = map.registry;
    found.registry = `${base}registry`;
  }
  if (typeof map.tag === 'string') {
    ref.tag = map.tag;
    found.tag = `${base}tag`;
  }
  return { image: joinWrittenImage(ref), paths: found };
}

// alias -> the paths its annotations name.
function mappingsOf(annotations: Record<string, string>): Map<string, Paths> {
  const mappings = new Map<string, Paths>();
  for (const [key, path] of Object.entries(annotations)) {
    for (const [part, prefix] of Object.entries(MAPPING_PREFIX) as Array<[keyof typeof MAPPING_PREFIX, string]>) {
      if (!key.startsWith(prefix)) continue;
      const alias = key.slice(prefix.length);
      mappings.set(alias, { ...mappings.get(alias), [part]: path });
    }
  }
  return mappings;
}

// A mapping's image when its paths form one of fluxd's combinations (repository; repository + tag; registry +
// repository; all three) and each names a string; undefined otherwise, so detection stands.
function resolveMapping(values: Record<string, unknown>, paths: Paths): Found | undefined {
  if (!paths.repository) return undefined;
  const at = (path: string | undefined): string | undefined => {
    const value = path === undefined ? undefined : valueAtPath(values, path);
    return typeof value === 'string' ? value : undefined;
  };
  const repository = at(paths.repository);
  const registry = at(paths.registry);
  const tag = at(paths.tag);
  if (repository === undefined || (paths.registry && registry === undefined) || (paths.tag && tag === undefined)) return undefined;
  const composed = `${paths.registry ? `${registry}/` : ''}${repository}${paths.tag ? `:${tag}` : ''}`;
  const ref = splitWrittenImage(composed);
  return ref && { image: joinWrittenImage(ref), paths: { ...paths } };
}
