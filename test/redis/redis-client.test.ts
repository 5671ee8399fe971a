import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterOptions, ioredisOptions, reconnectOnReadonly, tlsOptions } from '../../src/redis/redis-client.ts';
import { redisTarget } from '../../src/redis/redis-target.ts';

// Files handed in: each path reads as "pem of <path>", so a test sees which file went where.
const readFile = (path: string) => `pem of ${path}`;

describe('the ioredis options of each topology', () => {
  it('one Redis: host, port, db, login; unbounded retries for BullMQ', () => {
    assert.deepEqual(ioredisOptions(redisTarget({ url: 'redis://u:p@r:1/3' }), {}, readFile),
      { host: 'r', port: 1, db: 3, username: 'u', password: 'p', maxRetriesPerRequest: null });
  });

  it('rediss:// with a CA and client certificate: the files read into tls', () => {
    const t = redisTarget({ url: 'rediss://r:1', caFile: '/ca', certFile: '/c', keyFile: '/k' });
    assert.deepEqual(ioredisOptions(t, { maxRetriesPerRequest: 2 }, readFile).tls, { ca: ['pem of /ca'], cert: 'pem of /c', key: 'pem of /k' });
    assert.equal(ioredisOptions(t, { maxRetriesPerRequest: 2 }, readFile).maxRetriesPerRequest, 2);
    assert.deepEqual(ioredisOptions(redisTarget({ url: 'rediss://r' }), {}, readFile).tls, {}, "rediss:// alone trusts the system's CAs");
  });

  it('Sentinels: their addresses, the master name, both passwords, failover detection', () => {
    const t = redisTarget({ sentinels: 's1:1,s2:2', sentinelMaster: 'm', password: 'p', sentinelPassword: 'sp' });
    const o = ioredisOptions(t, {}, readFile);
    assert.deepEqual(o.sentinels, [{ host: 's1', port: 1 }, { host: 's2', port: 2 }]);
    assert.deepEqual([o.name, o.password, o.sentinelPassword, o.failoverDetector, o.host], ['m', 'p', 'sp', true, undefined]);
    assert.equal(o.enableTLSForSentinelMode, undefined);
  });

  it('Sentinels over TLS: the same CA for Sentinels and master', () => {
    const o = ioredisOptions(redisTarget({ url: 'rediss+sentinel://s:1/m', caFile: '/ca' }), {}, readFile);
    assert.deepEqual([o.enableTLSForSentinelMode, o.sentinelTLS, o.tls], [true, { ca: ['pem of /ca'] }, { ca: ['pem of /ca'] }]);
  });

  it('a Cluster: login and TLS per node, under redisOptions', () => {
    const t = redisTarget({ cluster: 'a:1', tls: true, caFile: '/ca', username: 'u', password: 'p' });
    assert.deepEqual(clusterOptions(t, { lazyConnect: true }, readFile),
      { lazyConnect: true, redisOptions: { username: 'u', password: 'p', tls: { ca: ['pem of /ca'] }, maxRetriesPerRequest: null } });
    assert.throws(() => ioredisOptions(t, {}, readFile), /clusterOptions/);
  });

  it('tlsOptions leaves out what is not given', () => {
    assert.deepEqual(tlsOptions({}, readFile), {});
    assert.deepEqual(tlsOptions({ caFile: '/x' }, readFile), { ca: ['pem of /x'] });
  });
});

describe('reconnectOnReadonly: after a failover the old master answers READONLY', () => {
  const table: Array<[string, 2 | false]> = [
    ["READONLY You can't write against a read only replica.", 2],
    ['ERR unknown command', false],
    ['LOADING Redis is loading the dataset in memory', false],
  ];
  for (const [message, want] of table) it(message, () => assert.equal(reconnectOnReadonly(new Error(message)), want));
});
