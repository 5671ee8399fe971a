import { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import * as k8s from '@kubernetes/client-node';

// A request the fake API server saw.
export interface ApiRequest { method: string; url: URL; headers: IncomingHttpHeaders }

// A Kubernetes API server on 127.0.0.1 for one test: `handle` answers each request; `kc` points at it with a
// bearer token; `requests` is every request seen.
export interface FakeApiServer {
  kc: k8s.KubeConfig;
  requests: ApiRequest[];
  close(): Promise<void>;
}

export async function startFakeApiServer(handle: (req: ApiRequest, res: ServerResponse, raw: IncomingMessage) => void): Promise<FakeApiServer> {
  const requests: ApiRequest[] = [];
  const server = createServer((raw, res) => {
    const req = { method: raw.method ?? '', url: new URL(raw.url ?? '/', 'http://x'), headers: raw.headers };
    requests.push(req);
    handle(req, res, raw);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server: `http://127.0.0.1:${address.port}`, skipTLSVerify: true }],
    users: [{ name: 'tester', token: 'fake-token' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'tester' }],
    currentContext: 'fake',
  });
  return {
    kc,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// Writes `body` as JSON with status 200 (or the given one).
export function json(res: ServerResponse, body: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
