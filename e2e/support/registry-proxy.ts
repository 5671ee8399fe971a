import { createServer, type IncomingHttpHeaders, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { Registry } from './registry.ts';

// One request the proxy answered: `path` is the request target as sent, query included; `at` when (Date.now()).
export interface ProxiedRequest { method: string; path: string; status: number; at: number }

// A node:http server on 127.0.0.1 in front of a Registry, for what distribution 2.8 cannot do: paginated tag
// lists (with a Link header, as distribution v3 sends) and injected failures such as 429 with Retry-After.
export interface RegistryProxy {
  host: string; // "127.0.0.1:PORT"
  url: string; // "http://127.0.0.1:PORT"
  requests: ProxiedRequest[]; // every request, in the order answered
  // Answers the next `count` requests with `status` (and `headers`) instead of forwarding them.
  failNext(count: number, status: number, headers?: Record<string, string>): void;
  stop(): Promise<void>;
}

export interface RegistryProxyOptions {
  // When set, GET /v2/<name>/tags/list is paginated here: `n` defaults to and is capped at pageSize, `last` is
  // honoured, and `Link: <…?n=…&last=…>; rel="next"` is sent while tags remain. Unset: tag lists pass through.
  pageSize?: number;
}

const TAGS_LIST = /^\/v2\/(.+)\/tags\/list$/;
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te', 'trailer'];

// Starts the proxy; everything but paginated tag lists and injected failures is streamed to and from `upstream`.
export async function startRegistryProxy(upstream: Pick<Registry, 'host' | 'url'>, opts: RegistryProxyOptions = {}): Promise<RegistryProxy> {
  const requests: ProxiedRequest[] = [];
  const failures = { count: 0, status: 0, headers: {} as Record<string, string> };
  let self = '';
  const server = createServer((req, res) => {
    const target = req.url ?? '/';
    const answer = (status: number) => requests.push({ method: req.method ?? 'GET', path: target, status, at: Date.now() });
    if (failures.count > 0) {
      failures.count--;
      answer(failures.status);
      req.resume();
      const code = failures.status === 429 ? 'TOOMANYREQUESTS' : 'UNAVAILABLE';
      const body = JSON.stringify({ errors: [{ code, message: 'injected by the test registry proxy' }] });
      return void res.writeHead(failures.status, { 'Content-Type': 'application/json', ...failures.headers }).end(body);
    }
    const { pathname, searchParams } = new URL(target, 'http://proxy.invalid');
    const name = TAGS_LIST.exec(pathname)?.[1];
    if (opts.pageSize && req.method === 'GET' && name) {
      return void paginate(upstream.url, req.headers, { name, params: searchParams, pageSize: opts.pageSize }).then(
        ({ status, headers, body }) => {
          answer(status);
          res.writeHead(status, headers).end(body);
        },
        (err: unknown) => {
          answer(502);
          res.writeHead(502).end(String(err));
        },
      );
    }
    forward(req, res, { upstream, self, answer });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const host = `127.0.0.1:${address.port}`;
  self = `http://${host}`;
  return {
    host, url: self, requests,
    failNext(count, status, headers = {}) {
      Object.assign(failures, { count, status, headers });
    },
    async stop() {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
    },
  };
}

interface ForwardContext { upstream: Pick<Registry, 'host' | 'url'>; self: string; answer(status: number): void }

// Streams the request to the upstream and its answer back, pointing upstream Locations at the proxy.
function forward(req: IncomingMessage, res: ServerResponse, { upstream, self, answer }: ForwardContext): void {
  const headers: IncomingHttpHeaders = { ...req.headers, host: upstream.host };
  for (const h of HOP_BY_HOP) delete headers[h];
  const out = request(`${upstream.url}${req.url ?? '/'}`, { method: req.method, headers }, (up) => {
    const status = up.statusCode ?? 502;
    const back: IncomingHttpHeaders = { ...up.headers };
    for (const h of HOP_BY_HOP) delete back[h];
    const location = up.headers.location;
    if (location?.startsWith(upstream.url)) back.location = `${self}${location.slice(upstream.url.length)}`;
    answer(status);
    res.writeHead(status, back);
    up.pipe(res);
  });
  out.on('error', (err) => {
    if (res.headersSent) return void res.destroy(err);
    answer(502);
    res.writeHead(502).end(String(err));
  });
  req.pipe(out);
}

interface PageRequest { name: string; params: URLSearchParams; pageSize: number }

// One page of the upstream's full (sorted) tag list, as distribution v3 would answer it.
async function paginate(upstreamUrl: string, headers: IncomingHttpHeaders, { name, params, pageSize }: PageRequest) {
  const res = await fetch(`${upstreamUrl}/v2/${name}/tags/list`, { headers: headers.authorization ? { Authorization: headers.authorization } : {} });
  const text = await res.text();
  if (res.status !== 200) {
    const passed: Record<string, string> = { 'Content-Type': res.headers.get('content-type') ?? 'application/json' };
    const challenge = res.headers.get('www-authenticate');
    if (challenge) passed['WWW-Authenticate'] = challenge;
    return { status: res.status, headers: passed, body: text };
  }
  const n = params.has('n') ? Number(params.get('n')) : pageSize;
  if (!Number.isInteger(n) || n < 0) {
    const body = JSON.stringify({ errors: [{ code: 'PAGINATION_NUMBER_INVALID', message: 'invalid number of results requested' }] });
    return { status: 400, headers: { 'Content-Type': 'application/json' }, body };
  }
  const all = ((JSON.parse(text) as { tags: string[] | null }).tags ?? []).sort();
  const last = params.get('last');
  const rest = last === null ? all : all.filter((tag) => tag > last);
  const page = rest.slice(0, Math.min(n, pageSize));
  const out: Record<string, string> = { 'Content-Type': 'application/json', 'Docker-Distribution-Api-Version': 'registry/2.0' };
  const end = page.at(-1);
  if (end !== undefined && rest.length > page.length) {
    out.Link = `</v2/${name}/tags/list?n=${page.length}&last=${encodeURIComponent(end)}>; rel="next"`;
  }
  return { status: 200, headers: out, body: JSON.stringify({ name, tags: page }) };
}
