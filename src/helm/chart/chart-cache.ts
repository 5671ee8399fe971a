import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Phase } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../errors/stalling-error.ts';
import { persistentCredentialId } from '../../fs/credential-id.ts';
import { assertSafeChartArchive } from './archive-check.ts';
import { checkDeclaredLength, formatBytes, limitBytes } from './body-limit.ts';
import { type HttpOptions, requestRepository } from './http-request.ts';
import { redactUrl } from '../../redact.ts';
import type { BasicAuth } from './repository-url.ts';

// A chart tarball in the cache: `<cacheDir>/<scope>-<sha256>.tgz`, and that sha256 in hex.
export interface CachedChart { path: string; digest: string }

// Where a tarball comes from: its URL and the credentials sent to it. Both scope the cached file, so a release
// reuses a tarball only if it would fetch it from the same URL with the same credentials (or, like it, none).
export interface ChartOrigin { url: URL; auth?: BasicAuth | undefined }

// The largest chart archive Capstan downloads (Flux's source-controller allows 10 MiB; the largest public charts
// are a few MiB). A larger one stalls on spec.chart.repository, read no further than the limit.
export const MAX_CHART_BYTES = 20 * 1024 * 1024;

// The cache directories this process has created (or found): a resync of every release looks its chart up each
// time, and a mkdir per lookup was a tenth of a no-op reconcile's CPU. One removed later is made again by
// downloadChart, which creates it unconditionally.
const madeDirs = new Set<string>();
// Cached paths by origin and digest (an HMAC each, otherwise made per lookup), and when each was last seen on disk.
const paths = new Map<string, string>();
const seenAt = new Map<string, number>();
// How long a tarball seen in the cache is taken to be there without looking again: a file removed by hand is
// noticed this much later. The most entries either map keeps (it starts afresh beyond).
export const SEEN_CHART_TTL_MS = 60_000;
const MAX_REMEMBERED = 4096;

const remember = <V>(map: Map<string, V>, key: string, value: V): V => {
  if (map.size >= MAX_REMEMBERED) map.clear();
  map.set(key, value);
  return value;
};

// `<cacheDir>/<scope>-<digest>.tgz`, the scope an HMAC of the origin (fs/credential-id.ts); cacheDir is created.
async function cachedPath(cacheDir: string, from: ChartOrigin, digest: string): Promise<string> {
  if (!madeDirs.has(cacheDir)) {
    await mkdir(cacheDir, { recursive: true, mode: 0o700 });
    madeDirs.add(cacheDir);
  }
  const parts = ['chart', from.url.href, from.auth?.username ?? '', from.auth?.password ?? ''];
  const key = JSON.stringify([cacheDir, digest, ...parts]);
  const known = paths.get(key);
  if (known !== undefined) return known;
  const scope = await persistentCredentialId(cacheDir, parts);
  return remember(paths, key, join(cacheDir, `${scope}-${digest}.tgz`));
}

// The sha256 an index `digest` names, lower-case hex without a `sha256:` prefix, or undefined if it names none.
export function sha256Of(indexDigest: string | undefined): string | undefined {
  const hex = indexDigest?.trim().toLowerCase().replace(/^sha256:/, '');
  return hex && /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

// The cached tarball with this sha256 from this origin, if an earlier download left it (files appear whole, by
// rename).
export async function findCachedChart(cacheDir: string, from: ChartOrigin, digest: string): Promise<CachedChart | undefined> {
  const path = await cachedPath(cacheDir, from, digest);
  const now = performance.now();
  if (now - (seenAt.get(path) ?? Number.NEGATIVE_INFINITY) < SEEN_CHART_TTL_MS) return { path, digest };
  try {
    await access(path);
    remember(seenAt, path, now);
    return { path, digest };
  } catch {
    return undefined;
  }
}

// What downloadChart needs beyond HttpOptions.
export interface DownloadOptions extends HttpOptions {
  cacheDir: string;
  // Sent only when the caller decided the URL may see it.
  auth?: BasicAuth | undefined;
  // The sha256 the tarball must have (from the index); a different one stalls. Default: not checked.
  expectedDigest?: string | undefined;
  // The largest archive accepted. Default MAX_CHART_BYTES.
  maxChartBytes?: number | undefined;
}

// Streams the tarball at `url` into a temp file in cacheDir while hashing it and counting its bytes (at most
// maxChartBytes), checks the digest, then renames it to its cached path, so a reader never sees a partial file.
export async function downloadChart(url: URL, opts: DownloadOptions): Promise<CachedChart> {
  await mkdir(opts.cacheDir, { recursive: true, mode: 0o700 });
  const tooLarge = (limit: number) => new StallingError(Phase.ChartFetchFailed,
    `the chart ${redactUrl(url)} is larger than the ${formatBytes(limit)} limit for a chart archive`, { field: 'spec.chart.repository' });
  const maxBytes = opts.maxChartBytes ?? MAX_CHART_BYTES;
  const temp = join(opts.cacheDir, `.download-${randomUUID()}.tmp`);
  try {
    const digest = await requestRepository({ url, subject: 'chart', auth: opts.auth }, opts, async (res, signal) => {
      if (!res.body) throw new StallingError(Phase.ChartFetchFailed, `${redactUrl(url)} answered with no body`);
      await checkDeclaredLength(res, maxBytes, tooLarge);
      const hash = createHash('sha256');
      const hashing = async function* (source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
        for await (const chunk of source) {
          hash.update(chunk);
          yield chunk;
        }
      };
      await pipeline(res.body, limitBytes(maxBytes, tooLarge), hashing, createWriteStream(temp, { mode: 0o600 }), { signal });
      return hash.digest('hex');
    });
    if (opts.expectedDigest !== undefined && digest !== opts.expectedDigest) {
      throw new StallingError(Phase.ChartFetchFailed,
        `the chart at ${redactUrl(url)} has sha256 ${digest}, but the repository index says ${opts.expectedDigest}`,
        { field: 'spec.chart.repository' });
    }
    await assertSafeChartArchive(temp, redactUrl(url)); // links out, `..` names, bombs: refused before helm sees it
    const path = await cachedPath(opts.cacheDir, { url, auth: opts.auth }, digest);
    await rename(temp, path);
    return { path, digest };
  } finally {
    await rm(temp, { force: true });
  }
}
