// An image reference normalised as docker does: `nginx` is docker.io/library/nginx.
export interface ImageRef {
  // Registry host[:port], `docker.io` for Docker Hub.
  domain: string;
  // Repository path within the registry, e.g. `library/nginx`.
  path: string;
  tag?: string;
  // `algorithm:hex`, e.g. `sha256:…`.
  digest?: string;
}

// A string that is not an image reference; the message quotes it.
export class InvalidImageRef extends Error {
  override name = 'InvalidImageRef';
}

const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::\\d+)?$`);
const PATH = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const MAX_NAME_LENGTH = 255;

// The written image split into name, tag and digest, without checking them. A `:` before the last `/` belongs to
// the registry port, not to a tag.
function splitWritten(text: string): { name: string; tag: string | undefined; digest: string | undefined } {
  const at = text.indexOf('@');
  const digest = at >= 0 ? text.slice(at + 1) : undefined;
  const rest = at >= 0 ? text.slice(0, at) : text;
  const colon = rest.indexOf(':', rest.lastIndexOf('/') + 1);
  if (colon < 0) return { name: rest, tag: undefined, digest };
  return { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
}

// Parses an image reference the way docker does: a first component with `.` or `:`, or `localhost`, is the
// registry; otherwise the image is on Docker Hub, under `library/` when it has a single component.
export function parseImageRef(text: string): ImageRef {
  const invalid = (why: string) => new InvalidImageRef(`"${text}" is not a valid image reference: ${why}`);
  if (text === '') throw invalid('it is empty');
  const { name, tag, digest } = splitWritten(text);
  const slash = name.indexOf('/');
  const first = slash >= 0 ? name.slice(0, slash) : '';
  const hasDomain = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let domain = hasDomain ? first : DOCKER_HUB;
  let path = hasDomain ? name.slice(slash + 1) : name;
  if (!DOMAIN.test(domain)) throw invalid(`"${domain}" is not a registry host[:port]`);
  if (DOCKER_HUB_ALIASES.has(domain.toLowerCase())) domain = DOCKER_HUB;
  if (domain === DOCKER_HUB && !path.includes('/')) path = `library/${path}`;
  if (!PATH.test(path)) throw invalid('the repository path must be lowercase letters, digits and separators (. _ __ -) between / components');
  if (domain.length + 1 + path.length > MAX_NAME_LENGTH) throw invalid(`the name is longer than ${MAX_NAME_LENGTH} characters`);
  if (tag !== undefined && !TAG.test(tag)) throw invalid(`the tag "${tag}" must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`);
  if (digest !== undefined && !DIGEST.test(digest)) throw invalid(`the digest "${digest}" is not algorithm:hex`);
  if (digest?.startsWith('sha256:') && !/^sha256:[0-9a-f]{64}$/.test(digest)) throw invalid('a sha256 digest is 64 lowercase hex digits');
  const ref: ImageRef = { domain, path };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

// `domain/path`, e.g. `docker.io/library/nginx`: the same repository however it was written (cache key, globs).
export function repositoryName(ref: ImageRef): string {
  return `${ref.domain}/${ref.path}`;
}

// The image as written with its tag (and any digest) replaced by `tag`: the name keeps its written form, so a
// workload's `nginx:1.1` becomes `nginx:1.2`, not `docker.io/library/nginx:1.2`.
export function withTag(written: string, tag: string): string {
  parseImageRef(written);
  if (!TAG.test(tag)) throw new InvalidImageRef(`"${tag}" is not a valid tag for "${written}"`);
  return `${splitWritten(written).name}:${tag}`;
}

// Where a registry's API lives: Docker Hub's is registry-1.docker.io; others are https, or http when the host
// is configured insecure.
export function apiBase(domain: string, insecure: boolean): string {
  if (domain === DOCKER_HUB) return 'https://registry-1.docker.io';
  return `${insecure ? 'http' : 'https'}://${domain}`;
}
