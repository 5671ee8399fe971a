import { Phase } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../errors/stalling-error.ts';
import { redactUrl } from '../../redact.ts';

// Basic-auth credentials for a chart repository (from chartPullSecret, or user:password in the URL).
export interface BasicAuth { username: string; password: string }

// The URL without its userinfo (fetch refuses URLs that carry credentials), and those credentials if any.
export function splitCredentials(url: URL): { url: URL; auth: BasicAuth | undefined } {
  if (!url.username && !url.password) return { url, auth: undefined };
  const auth = { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  const bare = new URL(url);
  bare.username = '';
  bare.password = '';
  return { url: bare, auth };
}

// Parses spec.chart.repository: http(s) only; oci:// is refused with a pointer to helm's own OCI support.
export function parseRepositoryUrl(repository: string): { url: URL; auth: BasicAuth | undefined } {
  const field = 'spec.chart.repository';
  let url: URL;
  try {
    url = new URL(repository.trim());
  } catch {
    throw new StallingError(Phase.ChartFetchFailed, `"${redactUrl(repository)}" is not a URL`, { field });
  }
  if (url.protocol === 'oci:') {
    throw new StallingError(Phase.ChartFetchFailed,
      `${redactUrl(url)} is an OCI registry: OCI charts are pulled by helm itself, not by the Helm repository source`, { field });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new StallingError(Phase.ChartFetchFailed,
      `unsupported scheme "${url.protocol}" in ${redactUrl(url)}: a Helm repository is http:// or https://`, { field });
  }
  return splitCredentials(url);
}

// `<repository>/index.yaml` as Helm builds it: the file name joined to the path, the query kept.
export function indexUrlOf(repository: URL): URL {
  const url = new URL(repository);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/index.yaml`;
  url.hash = '';
  return url;
}

// Where an index entry's `urls[0]` points, as Helm's ResolveReferenceURL has it: an absolute URL as is, a
// relative one against the repository URL with one trailing slash, keeping the repository's query.
export function resolveChartUrl(repository: URL, ref: string): URL {
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) return new URL(ref);
  const base = new URL(repository);
  base.pathname = `${base.pathname.replace(/\/+$/, '')}/`;
  const resolved = new URL(ref, base);
  resolved.search = base.search;
  return resolved;
}

// Helm sends a repository's credentials to a chart URL only on the same scheme, host and port (unless told
// --pass-credentials), so a tarball hosted elsewhere never sees them.
export function sameOrigin(a: URL, b: URL): boolean {
  return a.protocol === b.protocol && a.host === b.host;
}
