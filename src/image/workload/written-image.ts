// An image as written in HelmRelease values, split into its parts as fluxd's image.ParseRef split it: lenient, for
// telling which values hold images and writing a new one back in the same shape. Registry access normalises
// references with image-ref.ts instead.

// `domain/path:tag`; domain and tag may be empty (Docker Hub, no tag).
export interface WrittenImage {
  domain: string;
  path: string;
  tag: string;
}

// Splits an image reference, or undefined when it is none (empty, a leading or trailing `/`, or more than one `:`
// after the registry). The first `/`-element is the registry when it looks like a host (has a `.` or `:`, or is
// `localhost`), as Docker reads it; fluxd took any first of three elements, which only differs for odd names.
export function splitWrittenImage(value: string): WrittenImage | undefined {
  if (value === '' || value.startsWith('/') || value.endsWith('/')) return undefined;
  const slash = value.indexOf('/');
  const first = slash < 0 ? '' : value.slice(0, slash);
  const isHost = first.includes('.') || first.includes(':') || first === 'localhost';
  const domain = isHost ? first : '';
  const rest = isHost ? value.slice(slash + 1) : value;
  const parts = rest.split(':');
  if (parts.length > 2) return undefined;
  const [path = '', tag] = parts;
  if (path === '' || tag === '') return undefined;
  return { domain, path, tag: tag ?? '' };
}

// The reference as a workload runs it: the registry and tag only when given.
export function joinWrittenImage(ref: WrittenImage): string {
  return `${ref.domain ? `${ref.domain}/` : ''}${ref.path}${ref.tag ? `:${ref.tag}` : ''}`;
}
