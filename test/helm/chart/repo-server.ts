import { createHash } from 'node:crypto';
import { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse, createServer } from 'node:http';

// A request the server saw, and the status it answered.
export interface SeenRequest { method: string; path: string; headers: IncomingHttpHeaders; status: number }

// A chart repository on 127.0.0.1 for one test: its base URL (`http://127.0.0.1:<port>`) and what it was asked.
export interface RepoServer {
  origin: string;
  requests: SeenRequest[];
  // The requests for one path.
  seen(path: string): SeenRequest[];
  close(): Promise<void>;
}

// What answers the test server's requests.
export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

// Starts `handler` on 127.0.0.1, port 0 (the OS picks a free one), recording each request when answered.
export async function startRepoServer(handler: Handler): Promise<RepoServer> {
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    res.on('finish', () => requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, status: res.statusCode }));
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    requests,
    seen: (path) => requests.filter((r) => r.path === path),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// Serves fixed files by path with a strong ETag (304 on If-None-Match), 404 for anything else, and, when
// `auth` is given, 401 unless the request carries exactly those Basic credentials.
export function serveFiles(files: Record<string, string | Buffer>, auth?: { username: string; password: string }): Handler {
  const expected = auth && `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  return (req, res) => {
    if (expected && req.headers.authorization !== expected) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="charts"' }).end('unauthorized');
      return;
    }
    const body = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (body === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    res.writeHead(200, { etag, 'content-length': Buffer.byteLength(body) }).end(body);
  };
}

// An index.yaml listing chart versions: [name, version, url, digest?].
export function indexYaml(versions: Array<[string, string, string, string?]>): string {
  const byName = new Map<string, string[]>();
  for (const [name, version, url, digest] of versions) {
    const lines = [`  - name: ${name}`, `    version: ${version}`, `    urls:`, `      - ${url}`];
    if (digest) lines.push(`    digest: ${digest}`);
    byName.set(name, [...(byName.get(name) ?? []), ...lines]);
  }
  const entries = [...byName].map(([name, lines]) => [`  ${name}:`, ...lines.map((l) => `  ${l}`)].join('\n'));
  return ['apiVersion: v1', entries.length ? 'entries:' : 'entries: {}', ...entries, 'generated: "2024-01-01T00:00:00Z"', ''].join('\n');
}
