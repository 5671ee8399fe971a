import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createServer, type RequestListener } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { HELLO_CHART, helmCli } from './helm.ts';

// A Helm chart repository on 127.0.0.1 for one test, filled by the real helm: `publish` packages the fixture
// chart (hello, or the one at `chartDir`) at a version and re-indexes, so a test can make a new chart version
// appear. With `auth`, every request needs that user and password as Basic auth (as an htpasswd-protected
// repository), else 401. With `tls` (PEM files), it serves https:// and requires a client certificate signed by
// `tls.ca`: a handshake without one fails.
export interface ChartRepo { url: string; publish(version: string, chartDir?: string): Promise<void>; requests: string[]; close(): Promise<void> }

export async function startChartRepo(opts: { auth?: { username: string; password: string }; tls?: { cert: string; key: string; ca: string } } = {}): Promise<ChartRepo> {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-chart-repo-'));
  const helm = helmCli();
  const requests: string[] = [];
  const handle: RequestListener = (req, res) => {
    const path = normalize(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    requests.push(path);
    const expected = opts.auth && `Basic ${Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString('base64')}`;
    if (expected && req.headers.authorization !== expected) return void res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="charts"' }).end();
    const file = join(dir, path);
    if (!path || path.includes('..') || !existsSync(file)) return void res.writeHead(404).end('not found');
    res.end(readFileSync(file));
  };
  const tls = opts.tls && { cert: readFileSync(opts.tls.cert), key: readFileSync(opts.tls.key), ca: readFileSync(opts.tls.ca) };
  const server = tls ? createHttpsServer({ ...tls, requestCert: true, rejectUnauthorized: true }, handle) : createServer(handle);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${address.port}`;
  const ok = async (args: string[]) => {
    const r = await helm(args);
    if (r.exitCode !== 0) throw new Error(`helm ${args.join(' ')}: ${r.stderr}`);
  };
  return {
    url,
    requests,
    async publish(version, chartDir = HELLO_CHART) {
      await ok(['package', chartDir, '--version', version, '--destination', dir]);
      await ok(['repo', 'index', dir, '--url', url]);
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
