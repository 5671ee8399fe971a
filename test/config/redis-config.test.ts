import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError } from '../../src/config-error.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { argvValue } from '../../src/config/redis-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'capstan-redis-config-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const refuses = (flag: string, message: RegExp) => (err: unknown) => err instanceof ConfigError && err.flag === flag && message.test(err.message);

describe('the --redis-* flags read into config.redis', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads Sentinels (repeated or comma-separated) and their master from flags, passwords from files', () => {
    const argv = ['operator', '--redis-sentinel', 's1:1,s2:2', '--redis-sentinel', 's3:3', '--redis-sentinel-master', 'm',
      '--redis-password-file', file('pw', 'master-pw\n'), '--redis-sentinel-password-file', file('spw', 'sentinel-pw')];
    const r = loadConfig(argv, {}).redis;
    assert.deepEqual([r.topology, r.nodes.map((n) => n.port), r.sentinelMaster, r.password, r.sentinelPassword], ['sentinel', [1, 2, 3], 'm', 'master-pw', 'sentinel-pw']);
  });

  it('reads the passwords from CAPSTAN_REDIS_PASSWORD and CAPSTAN_REDIS_SENTINEL_PASSWORD', () => {
    const r = loadConfig(['worker', '--helm-binary', '/h', '--redis-sentinel', 's:1', '--redis-sentinel-master', 'm'],
      { CAPSTAN_REDIS_PASSWORD: 'a', CAPSTAN_REDIS_SENTINEL_PASSWORD: 'b' }).redis;
    assert.deepEqual([r.password, r.sentinelPassword], ['a', 'b']);
  });

  it('takes the Cluster from CAPSTAN_REDIS_CLUSTER, with the hash-tagged prefix', () => {
    const r = loadConfig(['operator'], { CAPSTAN_REDIS_CLUSTER: '127.0.0.1:7000,127.0.0.1:7001' }).redis;
    assert.deepEqual([r.topology, r.nodes.length, r.queuePrefix], ['cluster', 2, '{capstan}']);
  });

  it('takes a password in REDIS_URL or CAPSTAN_REDIS_URL, which the process list does not show', () => {
    assert.equal(loadConfig(['operator'], { CAPSTAN_REDIS_URL: 'redis://:pw@r:1' }).redis.password, 'pw');
  });

  it('refuses a password in --redis-url on the command line, without repeating it', () => {
    for (const argv of [['--redis-url', 'redis://:hunter2@r:1'], ['--redis-url=rediss://user:hunter2@r']]) {
      assert.throws(() => loadConfig(['operator', ...argv], {}), (err: Error) =>
        refuses('redis-url', /process list/)(err) && !err.message.includes('hunter2'));
    }
    assert.equal(loadConfig(['operator', '--redis-url', 'redis://user@r:1'], {}).redis.username, 'user', 'a user name alone is no secret');
  });

  it('refuses a password both in its variable and its file', () => {
    assert.throws(() => loadConfig(['operator', '--redis-password-file', file('p2', 'x')], { CAPSTAN_REDIS_PASSWORD: 'y' }), refuses('redis-password-file', /not both/));
  });

  it('refuses unreadable or empty password files and unreadable TLS files, naming the flag', () => {
    assert.throws(() => loadConfig(['operator', '--redis-password-file', join(dir, 'missing')], {}), refuses('redis-password-file', /ENOENT/));
    assert.throws(() => loadConfig(['operator', '--redis-password-file', file('empty', '')], {}), refuses('redis-password-file', /empty/));
    assert.throws(() => loadConfig(['operator', '--redis-url', 'rediss://r', '--redis-ca-file', join(dir, 'no-ca')], {}), refuses('redis-ca-file', /ENOENT/));
    const ca = file('ca.pem', 'pem');
    assert.deepEqual(loadConfig(['operator', '--redis-url', 'rediss://r', '--redis-ca-file', ca], {}).redis.tls, { caFile: ca });
  });

  it('refuses --redis-url and --redis-cluster together, even when the URL comes from REDIS_URL', () => {
    assert.throws(() => loadConfig(['operator', '--redis-cluster', 'a:1'], { REDIS_URL: 'redis://r:1' }), refuses('redis-cluster', /give one of/));
  });
});

describe('argvValue: a flag as given on the command line itself', () => {
  const table: Array<[string[], string | undefined]> = [
    [['--redis-url', 'a'], 'a'],
    [['--redis-url=b'], 'b'],
    [['--redis-url', 'a', '--redis-url=c'], 'c'],
    [['--redis-url-other=x', '--redis-urlx', 'y'], undefined],
    [[], undefined],
  ];
  for (const [argv, want] of table) it(JSON.stringify(argv), () => assert.equal(argvValue(argv, 'redis-url'), want));
});
