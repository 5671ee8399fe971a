import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { startGitHttp } from './support/git-http.ts';
import { git, type GitServer, startGitServer } from './support/git-server.ts';

const PASSWORD = 'https-s3cr3t-token';

describe('capstan daemon over HTTPS-style smart HTTP with Basic auth from files', () => {
  const kc = kubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let server: GitServer;
  let http: Awaited<ReturnType<typeof startGitHttp>>;
  const daemons: CapstanProcess[] = [];
  const config = (name: string, passwordFile: string, url: string) => {
    const file = join(server.root, `${name}.yaml`);
    writeFileSync(file, `sources:\n- {name: ${name}, gitUrl: "${url}", gitBranch: main, defaultNamespace: ${ns}, usernameFile: ${server.root}/user, passwordFile: ${passwordFile}}\n`);
    return file;
  };

  before(async () => {
    [ns, dropNamespace] = await freshNamespace(kc, 'https');
    server = await startGitServer();
    const gitUrl = await server.createRepo('private');
    const work = await server.clone(gitUrl, 'work');
    writeFileSync(join(work, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: private\ndata:\n  k: v\n');
    await git(work, 'add', '-A');
    await git(work, 'commit', '-m', 'private config');
    await git(work, 'push', 'origin', 'HEAD:main');
    http = await startGitHttp(join(server.root, 'repos'), { user: 'deploy', password: PASSWORD });
    writeFileSync(join(server.root, 'user'), 'deploy\n');
    writeFileSync(join(server.root, 'password'), `${PASSWORD}\n`);
    writeFileSync(join(server.root, 'wrong'), 'not-the-password\n');
  });
  after(async () => {
    for (const d of daemons) await d.stop();
    http?.server.close();
    await server?.close();
    await dropNamespace();
  });

  it('syncs with the credentials, sending them only as a header', async () => {
    const d = await startCapstan({ role: 'daemon', namespace: ns, queue: uniqueName('unused'),
      args: ['--config', config('good', join(server.root, 'password'), `${http.url}/private.git`), '--sync-interval', '1h'] });
    daemons.push(d);
    await eventually('the private ConfigMap', async () => core.readNamespacedConfigMap({ name: 'private', namespace: ns }).then(() => true, () => undefined), 30_000);
    assert.ok(http.requests.some((r) => r.authorized));
    assert.ok(!d.output().includes(PASSWORD), 'the password reached the logs');
    await d.stop(); // frees the source's Lease for the next replica
  });

  it('reports a wrong password without printing any credential', async () => {
    const d = await startCapstan({ role: 'daemon', namespace: ns, queue: uniqueName('unused'),
      args: ['--config', config('bad', join(server.root, 'wrong'), `${http.url}/private.git`), '--sync-interval', '1h'] });
    daemons.push(d);
    await eventually('a failed cycle', async () => ((await d.metric('capstan_sync_cycle_failures_total')) >= 1 || undefined), 30_000);
    const out = d.output();
    assert.match(out, /sync failed/);
    assert.ok(!out.includes('not-the-password') && !out.includes(PASSWORD), 'a credential reached the logs');
    assert.ok(!out.includes(Buffer.from('deploy:not-the-password').toString('base64')), 'the Authorization header reached the logs');
  });
});
