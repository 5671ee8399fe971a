import type { ChartSpec } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { Phase } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../errors/stalling-error.ts';
import { downloadChart, findCachedChart, sha256Of } from './chart-cache.ts';
import type { HttpOptions } from './http-request.ts';
import { type IndexCache, fetchRepositoryIndex } from './repository-index.ts';
import { redactUrl } from '../../redact.ts';
import { type BasicAuth, parseRepositoryUrl, resolveChartUrl, sameOrigin } from './repository-url.ts';
import { selectChartVersion } from './select-version.ts';

// How fetchRepositoryChart works; HttpOptions' defaults apply (30s per request, global fetch, no signal).
export interface RepositoryChartOptions extends HttpOptions {
  // Where tarballs are kept, as `<sha256>.tgz`; created when missing. Required.
  cacheDir: string;
  // Basic-auth credentials (chartPullSecret). Default: user:password in the repository URL, else none.
  auth?: BasicAuth | undefined;
  // Parsed indexes between calls. Default: the process-wide sharedIndexCache.
  indexCache?: IndexCache;
  // IndexOptions.maxAgeMs: a cached index confirmed this recently is used as it is. Default 0 (always revalidated).
  indexMaxAgeMs?: number;
}

// A chart ready for `helm upgrade --install <path>`: the tarball, the version chosen, its sha256 hex.
export interface RepositoryChart { path: string; version: string; digest: string }

function required(chart: ChartSpec, key: 'repository' | 'name' | 'version'): string {
  const value = chart[key]?.trim();
  if (!value) {
    throw new StallingError(Phase.ChartFetchFailed, `is required for a Helm repository chart`, { field: `spec.chart.${key}` });
  }
  return value;
}

// Resolves spec.chart {repository, name, version (exact or semver range)} to a local tarball: index (cached,
// revalidated, or younger than indexMaxAgeMs), version, then the tarball, reused from cacheDir when the index digest
// is already there. A version missing from a copy used without revalidation is looked up once more in a fresh one.
export async function fetchRepositoryChart(chart: ChartSpec, opts: RepositoryChartOptions): Promise<RepositoryChart> {
  const repository = required(chart, 'repository');
  const repo = parseRepositoryUrl(repository);
  const name = required(chart, 'name');
  const versionSpec = required(chart, 'version');
  const auth = opts.auth ?? repo.auth;
  const index = (maxAgeMs: number) => fetchRepositoryIndex(repository, { ...opts, auth, cache: opts.indexCache, maxAgeMs });
  const entry = await index(opts.indexMaxAgeMs ?? 0).then((i) => selectChartVersion(i, name, versionSpec)).catch(async (error: unknown) => {
    if (!opts.indexMaxAgeMs || !(error instanceof StallingError)) throw error;
    return selectChartVersion(await index(0), name, versionSpec);
  });
  const expected = sha256Of(entry.digest);
  if (entry.digest !== undefined && expected === undefined) {
    throw new StallingError(Phase.ChartFetchFailed,
      `the index of ${redactUrl(repo.url)} gives ${name} ${entry.version} a digest that is not a sha256`, { field: 'spec.chart.repository' });
  }
  const url = resolveChartUrl(repo.url, entry.urls[0] ?? '');
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new StallingError(Phase.ChartFetchFailed,
      `the index lists ${name} ${entry.version} at ${redactUrl(url)}, which is not http(s)`, { field: 'spec.chart.repository' });
  }
  const sendAuth = sameOrigin(repo.url, url) ? auth : undefined;
  const tls = sameOrigin(repo.url, url) ? opts.tls : undefined; // a client certificate, like credentials, stays home
  // Cached per URL and credentials: a tarball someone else's credentials fetched is never reused here.
  const cached = expected === undefined ? undefined : await findCachedChart(opts.cacheDir, { url, auth: sendAuth }, expected);
  if (cached) return { ...cached, version: entry.version };
  const downloaded = await downloadChart(url, { ...opts, auth: sendAuth, tls, expectedDigest: expected });
  return { ...downloaded, version: entry.version };
}
