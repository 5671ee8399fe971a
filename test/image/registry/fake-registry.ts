import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRegistryClient, type RegistryClientOptions, type RequestEvent } from '../../../src/image/registry/client.ts';
import { createRateLimiter } from '../../../src/image/registry/rate-limiter.ts';

// A request a test server received.
export interface Received { method: string; path: string; headers: IncomingHttpHeaders }

export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

// An HTTP server of the test's own on 127.0.0.1, recording what it was asked.
export interface TestServer { origin: string; host: string; received: Received[]; close(): Promise<void> }

// Starts a loopback server answering with `handler`.
export async function startServer(handler: Handler): Promise<TestServer> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    received.push({ method: req.method ?? 'GET', path: `${url.pathname}${url.search}`, headers: req.headers });
    handler(req, res, url);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

// Answers with a JSON body.
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}

export function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

// What a fake image is made of.
export interface FakeImage { created?: string; labels?: Record<string, string>; annotations?: Record<string, string>; oci?: boolean }

interface Stored { body: string; mediaType: string }

// An in-memory registry: tags, manifests by tag and digest, blobs by digest, all under /v2/<repository>/.
export function createFakeRegistry(opts: { pageSize?: number; contentDigest?: boolean; absoluteLinks?: boolean } = {}) {
  const tags = new Map<string, string[]>();
  const manifests = new Map<string, Stored>();
  const blobs = new Map<string, string>();
  const tagged = (repo: string, tag: string) => {
    const list = tags.get(repo) ?? [];
    if (!list.includes(tag)) list.push(tag);
    tags.set(repo, list);
  };
  const putManifest = (repo: string, tag: string, doc: Record<string, unknown>): string => {
    const body = JSON.stringify(doc);
    const stored = { body, mediaType: String(doc.mediaType ?? 'application/vnd.docker.distribution.manifest.v1+prettyjws') };
    manifests.set(`${repo}@${tag}`, stored);
    manifests.set(`${repo}@${sha256(body)}`, stored);
    tagged(repo, tag);
    return sha256(body);
  };
  const imageManifest = (image: FakeImage): Record<string, unknown> => {
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', created: image.created, config: { Labels: image.labels ?? null } });
    blobs.set(sha256(config), config);
    const oci = image.oci === true;
    return {
      schemaVersion: 2,
      mediaType: oci ? 'application/vnd.oci.image.manifest.v1+json' : 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: oci ? 'application/vnd.oci.image.config.v1+json' : 'application/vnd.docker.container.image.v1+json', size: config.length, digest: sha256(config) },
      layers: [],
      ...(image.annotations ? { annotations: image.annotations } : {}),
    };
  };

  const handler: Handler = (req, res, url) => {
    const m = /^\/v2\/(.+)\/(tags\/list|manifests|blobs)(?:\/(.+))?$/.exec(url.pathname);
    if (!m?.[1]) return sendJson(res, 404, { errors: [{ code: 'NOT_FOUND' }] });
    const [, repo, what, ref = ''] = m;
    if (what === 'tags/list') {
      const all = tags.get(repo);
      if (!all) return sendJson(res, 404, { errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known' }] });
      const n = Math.min(Number(url.searchParams.get('n') ?? all.length), opts.pageSize ?? Number.POSITIVE_INFINITY);
      const last = url.searchParams.get('last');
      const start = last === null ? 0 : all.indexOf(last) + 1;
      const page = all.slice(start, start + n);
      const headers: Record<string, string> = {};
      const origin = opts.absoluteLinks ? `http://${req.headers.host}` : '';
      if (start + n < all.length) headers.link = `<${origin}/v2/${repo}/tags/list?n=${n}&last=${page.at(-1)}>; rel="next"`;
      return sendJson(res, 200, { name: repo, tags: page }, headers);
    }
    if (what === 'manifests') {
      const stored = manifests.get(`${repo}@${ref}`);
      if (!stored) return sendJson(res, 404, { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] });
      const headers: Record<string, string> = { 'content-type': stored.mediaType };
      if (opts.contentDigest !== false) headers['docker-content-digest'] = sha256(stored.body);
      res.writeHead(200, headers);
      return void res.end(stored.body);
    }
    const blob = blobs.get(ref);
    if (blob === undefined) return sendJson(res, 404, { errors: [{ code: 'BLOB_UNKNOWN' }] });
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(blob);
  };

  return {
    handler,
    blobs,
    setTags(repo: string, list: string[]) {
      tags.set(repo, list);
    },
    // A single-platform image under `tag`; returns the manifest digest.
    addImage(repo: string, tag: string, image: FakeImage): string {
      return putManifest(repo, tag, imageManifest(image));
    },
    // A multi-platform image (an OCI index when `oci`); returns the index digest.
    addIndex(repo: string, tag: string, platforms: Array<{ platform: Record<string, string>; image: FakeImage }>, oci = false): string {
      const entries = platforms.map(({ platform, image }) => {
        const body = JSON.stringify(imageManifest(image));
        manifests.set(`${repo}@${sha256(body)}`, { body, mediaType: String(JSON.parse(body).mediaType) });
        return { mediaType: JSON.parse(body).mediaType, size: body.length, digest: sha256(body), platform };
      });
      const mediaType = oci ? 'application/vnd.oci.image.index.v1+json' : 'application/vnd.docker.distribution.manifest.list.v2+json';
      return putManifest(repo, tag, { schemaVersion: 2, mediaType, manifests: entries });
    },
    // A schema 1 manifest whose first history entry says `created`.
    addSchema1(repo: string, tag: string, created: string): string {
      const v1 = JSON.stringify({ id: 'abc', created, config: { Labels: { team: 'old' } } });
      return putManifest(repo, tag, { schemaVersion: 1, name: repo, tag, history: [{ v1Compatibility: v1 }, { v1Compatibility: '{}' }] });
    },
  };
}

// Lets through requests carrying `authorization`; others get 401 with `challenge` as WWW-Authenticate.
export function requireAuth(authorization: string, challenge: string, inner: Handler): Handler {
  return (req, res, url) => {
    if (req.headers.authorization === authorization) return inner(req, res, url);
    sendJson(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }, { 'www-authenticate': challenge });
  };
}

export const basicAuth = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

// A client for a loopback registry (http), recording its request events; the limiter never waits unless given.
export function testClient(host: string, opts: Partial<RegistryClientOptions> = {}) {
  const events: RequestEvent[] = [];
  const client = createRegistryClient({
    credentials: () => undefined,
    insecureHosts: [host],
    platform: { os: 'linux', architecture: 'amd64' },
    limiter: createRateLimiter({ rps: 10_000, burst: 10_000 }),
    onRequest: (event) => events.push(event),
    ...opts,
  });
  return { client, events };
}
