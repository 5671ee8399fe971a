// Write-back of a HelmRelease image into the values it was read from, in the shape it was read.
import { isMap, isScalar, type Scalar, type YAMLMap } from 'yaml';
import { asRecord } from '../../records.ts';
import { metadataStrings } from '../../manifests/manifest.ts';
import { helmReleaseImages, valueAtPath } from '../workload/helm-images.ts';
import { joinWrittenImage, splitWrittenImage } from '../workload/written-image.ts';
import type { ContainerImage } from '../workload/workload.ts';
import { childOf, EditError, type Located, mapAt } from './locate.ts';
import { type Splice, scalarSplice } from './splice.ts';

type Paths = NonNullable<ContainerImage['paths']>;

// The splices setting a HelmRelease image (named as helmReleaseImages names it) to `image`: each part the image
// was read from (registry, name, tag) is set to its share of the new reference, and only the parts that change
// are touched, so a new tag rewrites the tag scalar alone. A single `image: repo:tag` string is replaced whole.
export function helmImageSplices(text: string, located: Located, container: string, image: string): Splice[] {
  const body = asRecord(located.object.toJS(located.doc)) ?? {};
  const values = asRecord(asRecord(body.spec)?.values) ?? {};
  const images = helmReleaseImages(metadataStrings(body, 'annotations'), values);
  const found = images.find((c) => c.name === container);
  if (!found?.paths) {
    const there = images.length > 0 ? `it has ${images.map((c) => `"${c.name}"`).join(', ')}` : 'it has none';
    throw new EditError({ ...located, field: 'spec.values' }, `no image "${container}" (${there})`);
  }
  const valuesMap = mapAt(located, located.object, ['spec', 'values']);
  const splices: Splice[] = [];
  for (const [path, value] of partsOf(located, image, found.paths, values)) {
    const at = scalarAt(valuesMap, path.split('.'));
    if (!at) throw new EditError({ ...located, field: `spec.values.${path}` }, 'is not a value written in the file (an alias or a merge?)');
    if (at.node.value !== value) splices.push(scalarSplice(text, at.node, value, at.parent.flow === true));
  }
  return splices;
}

// [path, value] for each part of the new reference, split along the paths the old one was read from.
function partsOf(located: Located, image: string, paths: Paths, values: Record<string, unknown>): Array<[string, string]> {
  const ref = splitWrittenImage(image);
  const namePath = paths.image ?? paths.repository;
  if (!ref || !namePath) throw new EditError({ ...located, field: 'spec.values' }, `"${image}" is not an image reference`);
  const parts: Array<[string, string]> = [];
  let rest = image;
  if (paths.registry) {
    // the registry written in the values is kept when the new reference starts with it, whatever it looks like
    const current = valueAtPath(values, paths.registry);
    const keep = typeof current === 'string' && current !== '' && image.startsWith(`${current}/`);
    parts.push([paths.registry, keep ? current : ref.domain]);
    rest = keep ? image.slice(current.length + 1) : joinWrittenImage({ ...ref, domain: '' });
  }
  if (paths.tag) {
    const colon = rest.lastIndexOf(':');
    const tagged = colon > rest.lastIndexOf('/');
    parts.push([paths.tag, tagged ? rest.slice(colon + 1) : '']);
    rest = tagged ? rest.slice(0, colon) : rest;
  }
  parts.push([namePath, rest]);
  return parts;
}

// The scalar at a path of keys (a key holding dots matched too), with the mapping it sits in.
function scalarAt(map: YAMLMap, segments: string[]): { node: Scalar; parent: YAMLMap } | undefined {
  for (let n = 1; n <= segments.length; n++) {
    const child = childOf(map, segments.slice(0, n).join('.'));
    if (n === segments.length && isScalar(child)) return { node: child, parent: map };
    const deeper = n < segments.length && isMap(child) ? scalarAt(child, segments.slice(n)) : undefined;
    if (deeper) return deeper;
  }
  return undefined;
}
