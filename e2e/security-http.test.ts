// Issue 9, findings 6 and 7, as an attacker would try them on `capstan run`: the HTTP routes without a token, and a
// Git token given as the URL's user name looked for in the API, the logs and every process's argv.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { base64Forms } from '../src/redact.ts';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { startGitHttp } from './support/git-http.ts';
import { git, type GitServer, startGitServer } from './support/git-server.ts';

const GIT_TOKEN = `ghp_${uniqueName('marker').replaceAll('-', '')}`;
const API_TOKEN = 'api-t0ken-for-the-security-test';
const DASHBOARD_TOKEN = 'dashb0ard-t0ken-for-the-security-test';

// Every form of the Git token that must never show: itself, its base64 (any offset, both alphabets) and the
// Basic header git sends.
const tokenForms = [GIT_TOKEN, ...base64Forms(GIT_TOKEN), Buffer.from(`${GIT_TOKEN}:`).toString('base64')];
const leaks = (text: string) => tokenForms.filter((form) => text.includes(form));

// The argv of every process on this machine that this user may read, NUL-separated as /proc has it.
function allCommandLines(): string[] {
  const lines: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      lines.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
    } catch { /* gone, or not ours */ }
  }
  return lines;
}

// A proxy in front of the Git server that reads every process's argv while Capstan's git waits for each answer, so
// the git processes (and their transport helpers) are seen alive; `refuse` answers 401 instead of forwarding.
async function argvWatchingProxy(target: string): Promise<{ url: string; server: Server; seen: string[]; requests: () => number; refuse: { on: boolean } }> {
  const seen: string[] = [];
  const refuse = { on: false };
  let count = 0;
  const server = createServer((req, res) => {
    count++;
    seen.push(...allCommandLines());
    if (refuse.on) return void res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end();
    const upstream = request(`${target}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, seen, requests: () => count, refuse };
}

describe('capstan run: HTTP routes need the API token, and a Git token in the URL shows nowhere', () => {
  const kc = kubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let server: GitServer;
  let http: Awaited<ReturnType<typeof startGitHttp>>;
  let proxy: Awaited<ReturnType<typeof argvWatchingProxy>>;
  let capstan: CapstanProcess;
  let repoUrl = '';
  const bearer = { authorization: `Bearer ${API_TOKEN}` };
  const scopeProbe = { authorization: `Scope-Probe token=${API_TOKEN}` }; // what fluxctl --token sends

  before(async () => {
    [ns, dropNamespace] = await freshNamespace(kc, 'sec-http');
    server = await startGitServer();
    const gitUrl = await server.createRepo('private');
    const work = await server.clone(gitUrl, 'work');
    writeFileSync(join(work, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: private\ndata:\n  k: v\n');
    await git(work, 'add', '-A');
    await git(work, 'commit', '-m', 'private config');
    await git(work, 'push', 'origin', 'HEAD:main');
    // the token is the user name, as GitHub and GitLab accept it: git sends Basic base64("TOKEN:")
    http = await startGitHttp(join(server.root, 'repos'), { user: GIT_TOKEN, password: '' });
    proxy = await argvWatchingProxy(http.url);
    repoUrl = `${proxy.url.replace('http://', `http://${GIT_TOKEN}@`)}/private.git`;
    writeFileSync(join(server.root, 'api-token'), `${API_TOKEN}\n`);
    proxy.refuse.on = true; // the first fetches fail, so that the failure's messages are checked too
    capstan = await startCapstan({
      role: 'run', namespace: ns, queue: uniqueName('sec-http'),
      args: ['--git-branch', 'main', '--k8s-default-namespace', ns, '--sync-interval', '1h', '--git-timeout', '10s',
        '--api-token-file', join(server.root, 'api-token')],
      // secrets through a file and the environment, never argv
      env: { CAPSTAN_GIT_URL: repoUrl, CAPSTAN_DASHBOARD_TOKEN: DASHBOARD_TOKEN },
    });
    await eventually('a refused fetch', async () => (/sync failed/.test(capstan.output()) || undefined), 30_000);
    proxy.refuse.on = false;
    assert.equal((await fetch(`${capstan.url}/api/flux/v11/notify`, { method: 'POST', body: '{}', headers: bearer })).status, 202);
    await eventually('the private ConfigMap', async () => core.readNamespacedConfigMap({ name: 'private', namespace: ns }).then(() => true, () => undefined), 60_000);
  });
  after(async () => {
    await capstan?.stop();
    proxy?.server.close();
    http?.server.close();
    await server?.close();
    await dropNamespace();
  });

  const guarded: Array<[string, RequestInit]> = [
    ['/api/capstan/v1/sync', {}],
    ['/api/capstan/v1/images', {}],
    ['/api/flux/v11/notify', { method: 'POST', body: '{}' }],
    ['/dashboard/', {}],
  ];

  for (const [path, init] of guarded) {
    it(`answers ${init.method ?? 'GET'} ${path} 401 with a challenge without the token or with a wrong one`, async () => {
      for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: 'Scope-Probe token=wrong' }] as Array<Record<string, string>>) {
        const res = await fetch(`${capstan.url}${path}`, { ...init, headers });
        assert.equal(res.status, 401, JSON.stringify(headers));
        assert.ok(res.headers.get('www-authenticate'), 'no WWW-Authenticate');
      }
    });

    it(`serves ${init.method ?? 'GET'} ${path} with the token as Bearer and as fluxctl's Scope-Probe`, async () => {
      for (const headers of [bearer, scopeProbe]) {
        const res = await fetch(`${capstan.url}${path}`, { ...init, headers });
        assert.ok(res.status === 200 || res.status === 202, `${res.status} with ${headers.authorization.split(' ')[0]}`);
      }
    });
  }

  it('lets the dashboard token open the dashboard, and nothing else', async () => {
    const basic = { authorization: `Basic ${Buffer.from(`me:${DASHBOARD_TOKEN}`).toString('base64')}` };
    assert.equal((await fetch(`${capstan.url}/dashboard/`, { headers: basic })).status, 200);
    assert.equal((await fetch(`${capstan.url}/api/capstan/v1/sync`, { headers: basic })).status, 401);
  });

  it('keeps /metrics, /healthz and /readyz open', async () => {
    for (const path of ['/metrics', '/healthz', '/readyz']) assert.equal((await fetch(`${capstan.url}${path}`)).status, 200, path);
  });

  it('shows the source URL without the token in /api/capstan/v1/sync', async () => {
    // the first sync may still be running: wait for its record rather than read the answer once
    const text = await eventually('a sync record', async () => {
      const t = await (await fetch(`${capstan.url}/api/capstan/v1/sync`, { headers: bearer })).text();
      return (JSON.parse(t) as { sources: Array<{ record?: unknown }> }).sources[0]?.record ? t : undefined;
    }, 60_000);
    const body = JSON.parse(text) as { sources: Array<{ url: string; record?: { revision: string } }> };
    assert.equal(body.sources[0]?.url, `${proxy.url}/private.git`);
    assert.ok(body.sources[0]?.record?.revision, 'no sync record');
    assert.deepEqual(leaks(text), []);
  });

  it('never prints the token in the logs, at debug level, the refused fetch included', () => {
    assert.match(capstan.output(), /sync failed/);
    assert.deepEqual(leaks(capstan.output()), []);
  });

  it('never puts the token in any process\'s argv (capstan, and git seen alive on each of its requests)', () => {
    assert.ok(proxy.requests() >= 2 && proxy.seen.some((l) => /\bgit\b.*(fetch|clone|ls-remote|remote-http)/.test(l)), 'no git process was seen');
    assert.deepEqual(leaks([...proxy.seen, ...allCommandLines()].join('\n')), []);
  });
});
