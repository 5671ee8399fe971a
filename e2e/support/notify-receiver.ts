import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// A loopback HTTP receiver of notifications: records each JSON body by path; the first `failFirst` posts are
// answered 503, to exercise the sender's retries.
export interface NotifyReceiver { url: string; posts: Array<{ path: string; body: Record<string, unknown> }>; attempts: number; close(): Promise<void> }

export async function startNotifyReceiver(opts: { failFirst?: number } = {}): Promise<NotifyReceiver> {
  let failing = opts.failFirst ?? 0;
  const receiver: Omit<NotifyReceiver, 'url' | 'close'> = { posts: [], attempts: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      receiver.attempts++;
      if (failing > 0) {
        failing--;
        return void res.writeHead(503).end();
      }
      receiver.posts.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as NotifyReceiver;
}
