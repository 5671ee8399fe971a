import type { NetworkAccess } from './network-access.ts';
import { type ClientTls, requestPinned } from './pinned-request.ts';

// A GET that a HelmRelease author points somewhere (values, chart repositories).
export interface GuardedFetchOptions {
  // Which addresses may be reached. Required: callers build it from the security config (networkAccess).
  access: NetworkAccess;
  // Request headers, lower-case names. Credentials among them go only to the first URL's origin.
  headers?: Record<string, string>;
  // Stops the request and any redirect after it; the fetch rejects with the signal's reason.
  signal?: AbortSignal | undefined;
  // Redirects followed before giving up. Default 5.
  maxRedirects?: number;
  // CA bundle and client certificate for https://, used like credentials: on the first URL's origin only.
  tls?: ClientTls | undefined;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const CREDENTIALS = new Set(['authorization', 'proxy-authorization', 'cookie']);

const failed = (why: string): TypeError => new TypeError('fetch failed', { cause: new Error(why) });

// A URL as a message may show it: no user info, no query (tokens hide there), no fragment.
const shown = (url: URL): string => `${url.origin}${url.pathname}`;

// fetch(url) for URLs a HelmRelease author controls: every hop's host is resolved and each of its addresses
// checked by `access` before connecting (AddressRefusedError names the range), the connection is pinned to the
// checked addresses, redirects are followed by hand (at most maxRedirects, http(s) only), and credential headers
// are dropped once a redirect leaves the first URL's origin. Other failures reject as fetch does.
export async function guardedFetch(url: URL, opts: GuardedFetchOptions): Promise<Response> {
  const max = opts.maxRedirects ?? 5;
  const headers = opts.headers ?? {};
  const anonymous = Object.fromEntries(Object.entries(headers).filter(([name]) => !CREDENTIALS.has(name.toLowerCase())));
  const origin = url.origin;
  let current = url;
  for (let hop = 0; ; hop++) {
    const res = await requestPinned({
      url: current, headers: current.origin === origin ? headers : anonymous, signal: opts.signal, access: opts.access,
      tls: current.origin === origin ? opts.tls : undefined,
      redirectedTo: hop > 0 ? shown(current) : undefined,
    });
    const location = REDIRECTS.has(res.status) ? res.headers.get('location') : null;
    if (location === null) return res;
    await res.body?.cancel().catch(() => {});
    if (hop >= max) throw failed(`more than ${max} redirects, the last to ${shown(current)}`);
    const next = URL.parse(location, current);
    if (!next) throw failed('a redirect whose Location is not a URL');
    if (next.protocol !== 'http:' && next.protocol !== 'https:') throw failed(`a redirect to a ${next.protocol} URL; only http and https are followed`);
    next.username = '';
    next.password = '';
    next.hash = '';
    current = next;
  }
}
