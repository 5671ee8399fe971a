import { type ImageRef, repositoryName } from '../image-ref.ts';
import type { AuthorizedGet } from './registry-auth.ts';
import { RegistryError, RegistryErrorKind } from './registry-error.ts';

// Which repository's tags to list, and how many at most.
export interface ListTagsRequest {
  get: AuthorizedGet;
  // The registry's API base URL, from apiBase.
  base: string;
  ref: ImageRef;
  maxTags: number;
  signal?: AbortSignal | undefined;
}

// A page of tags is a few dozen KiB; this bounds a registry that ignores `n`.
const MAX_PAGE_BYTES = 16 * 1024 * 1024;

// All tags of a repository, in the registry's order: pages of up to 1000 followed through `Link: <…>; rel="next"`
// until there is none (or a page is empty). More than maxTags tags, a link to another origin or a link loop
// stop it with a RegistryError `bad-response`.
export async function listTags(req: ListTagsRequest): Promise<string[]> {
  const subject = repositoryName(req.ref);
  const bad = (why: string) => new RegistryError(`${subject}: ${why}`,
    { host: req.ref.domain, repository: subject, kind: RegistryErrorKind.badResponse });
  const tags: string[] = [];
  const seen = new Set<string>();
  let url: URL | undefined = new URL(`${req.base}/v2/${req.ref.path}/tags/list?n=1000`);
  while (url) {
    seen.add(url.href);
    const answer = await req.get({
      ref: req.ref, subject, kind: 'tags', url, headers: { accept: 'application/json' }, maxBytes: MAX_PAGE_BYTES, signal: req.signal,
    });
    const page = readTagPage(answer.body);
    if (page === undefined) throw bad('the tag list is not {"tags": [string…]}');
    for (const tag of page) tags.push(tag);
    if (tags.length > req.maxTags) throw bad(`more than ${req.maxTags} tags; listing stopped (raise the tag limit to watch it)`);
    const next: URL | undefined = page.length > 0 ? nextLink(answer.headers.get('link'), answer.url) : undefined;
    if (next && next.origin !== answer.url.origin) throw bad('the tag list links its next page to another host');
    if (next && seen.has(next.href)) throw bad('the tag list links back to a page already read');
    url = next;
  }
  return tags;
}

// The `tags` of a page (null or absent is none); undefined when the page is not a tag list.
function readTagPage(body: Buffer): string[] | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null) return undefined;
  const tags = (doc as { tags?: unknown }).tags;
  if (tags === null || tags === undefined) return [];
  return Array.isArray(tags) && tags.every((t) => typeof t === 'string') ? tags : undefined;
}

// The `rel="next"` target of a Link header, resolved against the page's URL (registries send it relative).
export function nextLink(header: string | null, page: URL): URL | undefined {
  for (const m of (header ?? '').matchAll(/<([^>]*)>([^<]*)/g)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]*))/i.exec(m[2] ?? '');
    if ((rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/).includes('next')) {
      try {
        return new URL(m[1] ?? '', page);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
