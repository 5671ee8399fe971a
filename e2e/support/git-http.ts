import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { GIT_ENV } from './git-server.ts';

// Smart HTTP in front of a directory of bare repositories: `git http-backend` as CGI behind node:http on
// 127.0.0.1, with Basic auth required (`user`/`password`). Resolves the base URL (`http://127.0.0.1:PORT`).
export async function startGitHttp(reposDir: string, auth: { user: string; password: string }): Promise<{ url: string; server: Server; requests: Array<{ path: string; authorized: boolean }> }> {
  const expected = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
  const requests: Array<{ path: string; authorized: boolean }> = [];
  const server = createServer((req, res) => {
    const [path = '/', query = ''] = (req.url ?? '/').split('?');
    const authorized = req.headers.authorization === expected;
    requests.push({ path, authorized });
    if (!authorized) return void res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end();
    const cgi = spawn('git', ['http-backend'], {
      env: {
        ...process.env, ...GIT_ENV, GIT_PROJECT_ROOT: reposDir, GIT_HTTP_EXPORT_ALL: '1', REMOTE_USER: auth.user,
        PATH_INFO: path, QUERY_STRING: query, REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '', CONTENT_LENGTH: req.headers['content-length'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '', GIT_HTTP_MAX_REQUEST_BUFFER: '100M',
      },
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let sent = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (sent) return void res.write(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of head.subarray(0, end).toString().split('\r\n')) {
        const [k, ...v] = line.split(':');
        if (!k) continue;
        if (k.toLowerCase() === 'status') status = Number.parseInt(v.join(':').trim(), 10);
        else headers[k] = v.join(':').trim();
      }
      res.writeHead(status, headers);
      res.write(head.subarray(end + 4));
      sent = true;
    });
    cgi.on('close', () => (sent ? res.end() : res.writeHead(500).end()));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return { url: `http://127.0.0.1:${address.port}`, server, requests };
}
