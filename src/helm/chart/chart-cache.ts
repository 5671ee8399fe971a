import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Phase } from '../../api/helmrelease.ts';
import { StallingError } from '../../errors/stalling-error.ts';
import { type HttpOptions, requestRepository } from './http-request.ts';
import { redactUrl } from '../../redact.ts';
import type { BasicAuth } from './repository-url.ts';

// A chart tarball in the cache: `<cacheDir>/<sha256>.tgz`, and that sha256 in hex.
export interface CachedChart { path: string; digest: string }

// The sha256 an index `digest` names, lower-case hex without a `sha256:` prefix, or undefined if it names none.
export function sha256Of(indexDigest: string | undefined): string | undefined {
  const hex = indexDigest?.trim().toLowerCase().replace(/^sha256:/, '');
  return hex && /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

// The cached tarball with this sha256, if an earlier download left it (files appear whole, by rename).
export async function findCachedChart(cacheDir: string, digest: string): Promise<CachedChart | undefined> {
  const path = join(cacheDir, `${digest}.tgz`);
  try {
    await access(path);
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
}

// Streams the tarball at `url` into a temp file in cacheDir while hashing it, checks the digest, then renames it
// to `<sha256>.tgz`, so a reader never sees a partial file.
export async function downloadChart(url: URL, opts: DownloadOptions): Promise<CachedChart> {
  await mkdir(opts.cacheDir, { recursive: true });
  const temp = join(opts.cacheDir, `.download-${randomUUID()}.tmp`);
  try {
    const digest = await requestRepository({ url, subject: 'chart', auth: opts.auth }, opts, async (res, signal) => {
      if (!res.body) throw new StallingError(Phase.ChartFetchFailed, `${redactUrl(url)} answered with no body`);
      const hash = createHash('sha256');
      const hashing = async function* (source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
        for await (const chunk of source) {
          hash.update(chunk);
          yield chunk;
        }
      };
      await pipeline(res.body, hashing, createWriteStream(temp), { signal });
      return hash.digest('hex');
    });
    if (opts.expectedDigest !== undefined && digest !== opts.expectedDigest) {
      throw new StallingError(Phase.ChartFetchFailed,
        `the chart at ${redactUrl(url)} has sha256 ${digest}, but the repository index says ${opts.expectedDigest}`,
        { field: 'spec.chart.repository' });
    }
    const path = join(opts.cacheDir, `${digest}.tgz`);
    await rename(temp, path);
    return { path, digest };
  } finally {
    await rm(temp, { force: true });
  }
}
