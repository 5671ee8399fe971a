// Write-back of a new image into the manifest file that defines a workload, changing only that value's text.
import { isMap, isScalar, isSeq, type YAMLMap } from 'yaml';
import { isHelmRelease, podSpecPath } from '../workload/workload.ts';
import { childOf, EditError, type EditOptions, type EditTarget, type Located, locateObject, mapAt, pairOf, scalarString } from './locate.ts';
import { helmImageSplices } from './set-helm-image.ts';
import { applySplices, type Splice, scalarSplice } from './splice.ts';

// The file with the container's image set: the `image:` of a pod-template workload's container (or init
// container), or for a HelmRelease the values its image was read from (see helmImageSplices). Everything else in
// the file, comments and formatting included, is left byte for byte; the same text comes back when the image is
// already that. An EditError when the object or container is not in the file.
export function setContainerImage(
  text: string,
  file: string,
  target: EditTarget,
  container: string,
  image: string,
  opts: EditOptions,
): string {
  const located = locateObject(text, file, target, opts);
  const kind = scalarString(childOf(located.object, 'kind')) ?? target.kind;
  const apiVersion = scalarString(childOf(located.object, 'apiVersion')) ?? '';
  const splices = isHelmRelease(kind, apiVersion)
    ? helmImageSplices(text, located, container, image)
    : podImageSplices(text, located, { kind, apiVersion }, container, image);
  return applySplices(text, splices);
}

// The splice of a pod-template container's `image:`, looked for in `containers` then `initContainers`.
function podImageSplices(text: string, located: Located, type: { kind: string; apiVersion: string }, container: string, image: string): Splice[] {
  const path = podSpecPath(type.kind, type.apiVersion);
  if (!path) throw new EditError(located, `a ${type.kind} of ${type.apiVersion} has no containers whose image Capstan sets`);
  const podSpec = mapAt(located, located.object, path);
  const seen: string[] = [];
  for (const list of ['containers', 'initContainers']) {
    const seq = childOf(podSpec, list);
    if (!isSeq(seq)) continue;
    for (const [i, item] of seq.items.entries()) {
      const name = isMap(item) ? scalarString(childOf(item, 'name')) : undefined;
      if (name !== undefined) seen.push(name);
      if (name !== container) continue;
      const field = `${path.join('.')}.${list}[${i}].image`;
      const node = pairOf(item as YAMLMap, 'image')?.value;
      if (!isScalar(node)) throw new EditError({ ...located, field }, `container "${container}" has no image value written in the file`);
      if (node.value === image) return [];
      return [scalarSplice(text, node, image, (item as YAMLMap).flow === true)];
    }
  }
  const there = seen.length > 0 ? `it has ${seen.map((n) => `"${n}"`).join(', ')}` : 'it has none';
  throw new EditError({ ...located, field: `${path.join('.')}.containers` }, `no container "${container}" (${there})`);
}
