import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { runCtl } from '../../src/ctl/ctl.ts';
import { ExitCode } from '../../src/ctl/exit.ts';

// A loopback fake of fluxd's API as the route table describes it: it records each request and answers from
// `answers` (method and path → status and JSON body).
interface Seen { method: string; path: string; query: Record<string, string>; auth?: string; body?: unknown }
type Answer = { status?: number; body: unknown } | ((seen: Seen) => { status?: number; body: unknown });

describe('capstan ctl: fluxctl verbs against the fluxd API', () => {
  let server: Server;
  let url = '';
  let seen: Seen[] = [];
  let answers: Record<string, Answer> = {};
  const read = (req: IncomingMessage) => new Promise<string>((resolve) => {
    let text = '';
    req.on('data', (c: Buffer) => { text += c.toString(); });
    req.on('end', () => resolve(text));
  });

  before(async () => {
    server = createServer(async (req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      const text = await read(req);
      const s: Seen = { method: req.method ?? '', path: u.pathname, query: Object.fromEntries(u.searchParams), auth: req.headers.authorization, body: text ? JSON.parse(text) : undefined };
      seen.push(s);
      const a = answers[`${s.method} ${s.path}`];
      const got = typeof a === 'function' ? a(s) : a;
      res.writeHead(got?.status ?? (got ? 200 : 404), { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(got?.body ?? { Type: 'missing', Help: '', Err: `no route ${s.path}` }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/flux`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    seen = [];
    answers = {};
  });

  // Runs `capstan ctl ARGS` with FLUX_URL and the token in the environment; its exit code, stdout and progress lines.
  const ctl = async (...args: string[]) => {
    let out = '';
    const lines: string[] = [];
    const code = await runCtl(args, { FLUX_URL: url, FLUX_SERVICE_TOKEN: 'tok' }, {
      out: (s) => { out += s; }, pollMs: 1,
      progress: () => ({ update: (t) => void lines.push(t), done: () => undefined }),
    });
    return { code, out, lines };
  };

  const workloads = [
    { ID: 'apps:deployment/web', Status: 'ready', Rollout: { Desired: 2, Ready: 2 }, Automated: true, Locked: false, Containers: [{ Name: 'web', Current: { ID: 'reg/web:1.0' } }, { Name: 'side', Current: { ID: 'reg/side:2' } }] },
    { ID: 'apps:helmrelease/db', Status: 'deployed', Locked: true, Containers: [{ Name: 'chart-image', Current: { ID: 'reg/db:5' } }] },
  ];

  it('list-workloads: GET /v6/services with the namespace and the token as fluxctl sends it; one row per container', async () => {
    answers['GET /api/flux/v6/services'] = { body: workloads };
    const r = await ctl('list-workloads', '-n', 'apps');
    assert.equal(r.code, ExitCode.ok);
    assert.deepEqual(seen.map((s) => [s.method, s.path, s.query, s.auth]), [['GET', '/api/flux/v6/services', { namespace: 'apps' }, 'Scope-Probe token=tok']]);
    assert.deepEqual(r.out.trimEnd().split('\n').map((l) => l.split(/ {3,}/)), [
      ['WORKLOAD', 'CONTAINER', 'IMAGE', 'RELEASE', 'POLICY'],
      ['apps:deployment/web', 'web', 'reg/web:1.0', 'ready (2/2)', 'automated'],
      ['', 'side', 'reg/side:2'],
      ['apps:helmrelease/db', 'chart-image', 'reg/db:5', 'deployed', 'locked'],
    ]);
    await ctl('list-workloads', '-a');
    assert.deepEqual(seen.at(-1)?.query, { namespace: '' });
  });

  it('list-images: GET /v10/images for one workload; the tags newest first, -> at the running one', async () => {
    answers['GET /api/flux/v10/images'] = { body: [{ ID: 'apps:deployment/web', Containers: [{ Name: 'web', Current: { ID: 'reg/web:1.0' }, Available: [{ ID: 'reg/web:1.1', CreatedAt: '2026-12-01T00:00:00Z' }, { ID: 'reg/web:1.0', CreatedAt: '2026-11-01T00:00:00Z' }] }] }] };
    const r = await ctl('list-images', '-w', 'deployment/web', '-n', 'apps');
    assert.equal(r.code, ExitCode.ok);
    assert.equal(seen[0]?.query.service, 'apps:deployment/web');
    assert.equal(seen[0]?.query.namespace, '');
    assert.match(r.out, /^apps:deployment\/web +web +reg\/web$/m);
    assert.match(r.out, /^ + {3}1\.1 +2026-12-01T00:00:00Z$/m);
    assert.match(r.out, /^ +-> 1\.0 +2026-11-01T00:00:00Z$/m);
  });

  it('automate, lock -m, policy --tag: one update-manifests of type policy with fluxctl\'s body, the job polled to its end', async () => {
    let polls = 0;
    answers['POST /api/flux/v9/update-manifests'] = { body: 'job-1' };
    answers['GET /api/flux/v6/jobs'] = () => ({ body: ++polls < 3 ? { StatusString: 'running' } : { StatusString: 'succeeded', Result: { revision: 'abcdef1234', result: { 'apps:deployment/web': { Status: 'success' } } } } });
    const r = await ctl('automate', '-w', 'apps:deployment/web', '-m', 'go', '--user', 'ann');
    assert.equal(r.code, ExitCode.ok);
    assert.deepEqual(seen[0]?.body, { type: 'policy', cause: { Message: 'go', User: 'ann' }, spec: { 'apps:deployment/web': { add: { automated: 'true' }, remove: {} } } });
    assert.deepEqual(seen.slice(1).map((s) => s.query.id), ['job-1', 'job-1', 'job-1']);
    assert.deepEqual([...new Set(r.lines)], ['job job-1: running', 'job job-1: succeeded']);
    assert.match(r.out, /^apps:deployment\/web +success/m);
    assert.match(r.out, /^Commit pushed:\tabcdef1$/m);
    seen = [];
    await ctl('lock', '-w', 'deployment/web', '-n', 'apps', '-m', 'frozen');
    assert.deepEqual(seen[0]?.body, { type: 'policy', cause: { Message: 'frozen', User: '' }, spec: { 'apps:deployment/web': { add: { locked: 'true', locked_msg: 'frozen' }, remove: {} } } });
    seen = [];
    await ctl('policy', '-w', 'apps:deployment/web', '--tag', 'web=1.*', '--tag', 'side=*', '--tag-all', 'semver:~1');
    assert.deepEqual((seen[0]?.body as { spec: unknown } | undefined)?.spec, { 'apps:deployment/web': { add: { 'tag.web': 'glob:1.*', tag_all: 'semver:~1' }, remove: { 'tag.side': 'true' } } });
  });

  it('release --dry-run: an image update of Kind plan; a failed job exits 1 with its error', async () => {
    answers['POST /api/flux/v9/update-manifests'] = { body: 'job-2' };
    answers['GET /api/flux/v6/jobs'] = { body: { StatusString: 'failed', Err: 'no such image' } };
    const r = await ctl('release', '-w', 'apps:deployment/web', '-i', 'reg/web:9', '--dry-run', '--exclude', 'apps:deployment/side');
    assert.equal(r.code, ExitCode.failed);
    assert.deepEqual((seen[0]?.body as { spec: unknown } | undefined)?.spec, { ServiceSpecs: ['apps:deployment/web'], ImageSpec: 'reg/web:9', Kind: 'plan', Excludes: ['apps:deployment/side'], Force: false });
    seen = [];
    await ctl('release', '--all', '--update-all-images', '-f');
    assert.deepEqual((seen[0]?.body as { spec: unknown } | undefined)?.spec, { ServiceSpecs: ['<all>'], ImageSpec: '<all latest>', Kind: 'execute', Excludes: null, Force: true });
  });

  it('sync: git-repo-config, a sync job, then /v6/sync until the revision is applied', async () => {
    let pending = 2;
    answers['POST /api/flux/v9/git-repo-config'] = { body: { remote: { url: 'ssh://git@example/repo', branch: 'main' }, status: 'ready' } };
    answers['POST /api/flux/v9/update-manifests'] = { body: 'job-3' };
    answers['GET /api/flux/v6/jobs'] = { body: { StatusString: 'succeeded', Result: { revision: '0123456789abcdef' } } };
    answers['GET /api/flux/v6/sync'] = () => ({ body: pending-- > 0 ? ['0123456789abcdef'] : [] });
    const r = await ctl('sync');
    assert.equal(r.code, ExitCode.ok);
    assert.deepEqual(seen.map((s) => `${s.method} ${s.path}`), ['POST /api/flux/v9/git-repo-config', 'POST /api/flux/v9/update-manifests', 'GET /api/flux/v6/jobs', 'GET /api/flux/v6/sync', 'GET /api/flux/v6/sync', 'GET /api/flux/v6/sync']);
    assert.deepEqual(seen[1]?.body, { type: 'sync', cause: { Message: '', User: '' }, spec: {} });
    assert.equal(seen[3]?.query.ref, '0123456789abcdef');
    assert.equal(r.out, 'Synchronizing with ssh://git@example/repo\nRevision of main to apply is 0123456\nWaiting for 0123456 to be applied ...\nDone.\n');
  });

  it('identity prints the public key (-l its fingerprint); save writes the export', async () => {
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGGQx0XfA4jG8Y2i8d1YhcvM0kq8G3nN8v1H3xq0bX1Z capstan';
    answers['POST /api/flux/v9/git-repo-config'] = { body: { publicSSHKey: { key } } };
    assert.equal((await ctl('identity')).out, `${key}\n`);
    assert.equal(seen[0]?.body, false);
    assert.match((await ctl('identity', '-l')).out, /^SHA256:[A-Za-z0-9+/]{43}\n$/);
    answers['GET /api/flux/v6/export'] = { body: Buffer.from('kind: Deployment\n').toString('base64') }; // JSON bytes, as fluxd sent them
    assert.equal((await ctl('save')).out, 'kind: Deployment\n');
  });

  it('exit codes: 401 is 1 saying unauthorized, a missing job 3, an unreachable API 3, no URL 2', async () => {
    answers['GET /api/flux/v6/services'] = { status: 401, body: {} };
    assert.equal((await ctl('list-workloads')).code, ExitCode.failed);
    answers['POST /api/flux/v9/update-manifests'] = { body: 'gone' };
    answers['GET /api/flux/v6/jobs'] = { status: 404, body: { Type: 'missing', Help: 'unknown job gone' } };
    assert.equal((await ctl('sync')).code, ExitCode.unreachable);
    const none = await runCtl(['list-workloads', '--url', 'http://127.0.0.1:1/api/flux'], {}, { out: () => undefined });
    assert.equal(none, ExitCode.unreachable);
    assert.equal(await runCtl(['list-workloads'], {}, { out: () => undefined }), ExitCode.usage);
    assert.equal(await runCtl(['release', '--url', url], {}, { out: () => undefined }), ExitCode.usage);
  });
});
