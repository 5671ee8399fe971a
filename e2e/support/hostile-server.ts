import { createServer, type ServerResponse } from 'node:http';

// What a hostile server answers on one path: a fixed body; `huge` bytes of `chunk` repeated (a huge answer, sent
// as fast as the client reads, in 64 KiB writes, or in writes of one `chunk` each with `dribble`); a body that
// never ends (a byte every 200 ms); or no answer at all.
export type Answer =
  | { body: string | Buffer; type?: string }
  | { huge: number; chunk: string | Buffer; prefix?: string; type?: string; dribble?: boolean }
  | { endless: true }
  | { hang: true };

export interface HostileServer { url: string; host: string; requests: string[]; close(): Promise<void> }

function stream(res: ServerResponse, total: number, chunk: Buffer): void {
  let sent = 0;
  const pump = () => {
    while (sent < total) {
      const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
      sent += piece.length;
      if (!res.write(piece)) return void res.once('drain', pump);
    }
    res.end();
  };
  res.on('close', () => { sent = total; });
  pump();
}

// A server on 127.0.0.1 for one test that answers each path of `answers` (query strings ignored) as told and
// 404 elsewhere: a malformed, huge or endless chart repository or registry. `answers` is read at each request (it
// may be filled in once the URL is known). Every request's path is recorded.
export async function startHostileServer(answers: Record<string, Answer>): Promise<HostileServer> {
  const requests: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    requests.push(path);
    const answer = answers[path];
    if (!answer) return void res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"errors":[{"code":"NAME_UNKNOWN"}]}');
    if ('hang' in answer) return;
    if ('endless' in answer) {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      const timer = setInterval(() => res.write('a'), 200);
      timers.add(timer);
      res.on('close', () => { clearInterval(timer); timers.delete(timer); });
      return;
    }
    if ('body' in answer) return void res.writeHead(200, { 'Content-Type': answer.type ?? 'application/octet-stream' }).end(answer.body);
    res.writeHead(200, { 'Content-Type': answer.type ?? 'application/octet-stream' });
    if (answer.prefix) res.write(answer.prefix);
    const piece = Buffer.from(answer.chunk);
    stream(res, answer.huge, answer.dribble ? piece : Buffer.concat(Array.from({ length: Math.ceil(65_536 / piece.length) }, () => piece)));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`, host: `127.0.0.1:${address.port}`, requests,
    async close() {
      for (const t of timers) clearInterval(t);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
