import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectRedis } from '../src/redis/redis-client.ts';
import { redisTarget } from '../src/redis/redis-target.ts';
import { cleanup } from './faults/cleanup.ts';
import { startCapstan } from './support/capstan.ts';
import { type ChartRepo, startChartRepo } from './support/chart-repo.ts';
import { freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { applyCrd } from './support/crd.ts';
import { helmReleases } from './support/helm-releases.ts';
import { freePort } from './support/net.ts';
import { type RedisProcess, startRedisProcess } from './support/redis-process.ts';
import { makeTlsFiles, type TlsFiles } from './support/redis-tls-files.ts';

// Every command line on the machine, to show a secret is on none of them.
function allCommandLines(): string[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      return ''; // gone meanwhile
    }
  });
}

describe('Capstan on a Redis reached over TLS (rediss://)', () => {
  const kc = kubeConfig();
  const done = cleanup();
  const dir = done.add(mkdtempSync(join(tmpdir(), 'capstan-redis-tls-')), (d) => rmSync(d, { recursive: true, force: true }));
  const password = randomBytes(12).toString('hex');
  let tls: TlsFiles;
  let redis: RedisProcess;
  let repo: ChartRepo;
  let ns = '';

  before(async () => {
    tls = makeTlsFiles(dir, 'redis');
    const port = await freePort();
    // the server's settings in a file: its password is on no command line either
    writeFileSync(join(dir, 'redis.conf'), [
      'bind 127.0.0.1', 'port 0', `tls-port ${port}`, `tls-cert-file ${tls.serverCert}`, `tls-key-file ${tls.serverKey}`,
      `tls-ca-cert-file ${tls.ca}`, 'tls-auth-clients yes', `requirepass ${password}`, 'save ""', 'appendonly no', `dir ${dir}`,
    ].join('\n'));
    redis = done.add(await startRedisProcess({
      command: 'redis-server', args: [join(dir, 'redis.conf')], port, password,
      cliTls: { ca: tls.ca, cert: tls.clientCert, key: tls.clientKey },
    }), (r) => r.stop());
    await applyCrd(kc);
    const [namespace, drop] = await freshNamespace(kc, 'redis-tls');
    ns = done.add(namespace, drop);
    repo = done.add(await startChartRepo(), (r) => r.close());
    await repo.publish('0.1.0');
  });
  after(() => done.run());

  it('releases a HelmRelease to Ready through rediss:// with the CA file, a client certificate and a password file; the password in no argv, log, status or metric', async () => {
    const passwordFile = join(dir, 'redis-password');
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    const queue = uniqueName('tls');
    const capstan = done.add(await startCapstan({
      role: 'run', namespace: ns, queue, env: { REDIS_URL: '' },
      args: ['--redis-url', `rediss://127.0.0.1:${redis.port}`, '--redis-ca-file', tls.ca, '--redis-cert-file', tls.clientCert,
        '--redis-key-file', tls.clientKey, '--redis-password-file', passwordFile],
    }), (c) => c.stop());
    const hrs = helmReleases(kc, ns);
    await hrs.create('web', { chart: { repository: repo.url, name: 'hello', version: '0.1.0' }, releaseName: 'web', values: { message: 'over tls' } });
    const hr = await hrs.waitFor('web', 'Ready', 'True', 120_000).catch((err: Error) => {
      throw new Error(`${err.message}\n--- capstan output:\n${capstan.output().slice(-4000)}`);
    });
    // the jobs went through the TLS Redis, not the shared one the environment names
    assert.notEqual((await redis.cli('--scan', '--pattern', `bull:${queue}:*`)).trim(), '', 'no queue keys in the TLS Redis');
    assert.match(capstan.output(), /"redis":"127\.0\.0\.1:\d+ over TLS with a password, queue prefix bull"/);
    const metrics = await (await fetch(`${capstan.url}/metrics`)).text();
    for (const [where, text] of [['argv', allCommandLines().join('\n')], ['logs', capstan.output()], ['status', JSON.stringify(hr)], ['metrics', metrics]]) {
      assert.ok(!text?.includes(password), `the Redis password appears in ${where}`);
    }
  });

  it('refuses a Redis whose certificate another CA signed (no connection, a certificate error)', async () => {
    const rogue = makeTlsFiles(dir, 'rogue');
    const client = connectRedis(redisTarget({
      url: `rediss://127.0.0.1:${redis.port}`, caFile: rogue.ca, certFile: tls.clientCert, keyFile: tls.clientKey, password,
    }), { maxRetriesPerRequest: 0 });
    try {
      const [err] = (await once(client, 'error')) as [Error & { code?: string }];
      assert.match(`${err.code} ${err.message}`, /SELF_SIGNED|UNABLE_TO_VERIFY|unable to verify|self-signed/i);
      await assert.rejects(client.ping());
    } finally {
      client.disconnect();
    }
  });
});
