import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/config-error.ts';
import { describeRedis, type RedisInput, redactUrl, redisTarget } from '../../src/redis/redis-target.ts';

describe('redisTarget: where Redis is, from the flags', () => {
  const table: Array<[string, RedisInput, object]> = [
    ['nothing given: the local Redis', {}, { topology: 'single', nodes: [{ host: '127.0.0.1', port: 6379 }], queuePrefix: 'bull' }],
    ['redis:// with user, password and db', { url: 'redis://app:s%40cret@r.example:6380/2' },
      { topology: 'single', nodes: [{ host: 'r.example', port: 6380 }], db: 2, username: 'app', password: 's@cret', queuePrefix: 'bull' }],
    ['rediss:// turns TLS on', { url: 'rediss://r.example' }, { topology: 'single', nodes: [{ host: 'r.example', port: 6379 }], tls: {}, queuePrefix: 'bull' }],
    ['rediss:// with a CA and a client certificate', { url: 'rediss://r:1', caFile: '/ca', certFile: '/c', keyFile: '/k' },
      { topology: 'single', nodes: [{ host: 'r', port: 1 }], tls: { caFile: '/ca', certFile: '/c', keyFile: '/k' }, queuePrefix: 'bull' }],
    ['an IPv6 host', { url: 'redis://[::1]:7000' }, { topology: 'single', nodes: [{ host: '::1', port: 7000 }], queuePrefix: 'bull' }],
    ['redis+sentinel:// with hosts, master and db', { url: 'redis+sentinel://:pw@s1:26379,s2,s3:26380/mymaster/1' },
      { topology: 'sentinel', nodes: [{ host: 's1', port: 26379 }, { host: 's2', port: 26379 }, { host: 's3', port: 26380 }], sentinelMaster: 'mymaster', db: 1, password: 'pw', queuePrefix: 'bull' }],
    ['rediss+sentinel:// turns TLS on for Sentinels and master', { url: 'rediss+sentinel://s1:1/m', sentinelPassword: 'sp' },
      { topology: 'sentinel', nodes: [{ host: 's1', port: 1 }], sentinelMaster: 'm', sentinelPassword: 'sp', tls: {}, queuePrefix: 'bull' }],
    ['--redis-sentinel with --redis-sentinel-master and passwords from files', { sentinels: 's1:1,s2:2', sentinelMaster: 'm', password: 'p', sentinelPassword: 'sp', username: 'u' },
      { topology: 'sentinel', nodes: [{ host: 's1', port: 1 }, { host: 's2', port: 2 }], sentinelMaster: 'm', username: 'u', password: 'p', sentinelPassword: 'sp', queuePrefix: 'bull' }],
    ['--redis-cluster: the prefix gets a hash tag', { cluster: 'a:7000,b:7001' },
      { topology: 'cluster', nodes: [{ host: 'a', port: 7000 }, { host: 'b', port: 7001 }], queuePrefix: '{capstan}' }],
    ['--redis-cluster with --redis-tls and an own prefix', { cluster: 'a', tls: true, caFile: '/ca', queuePrefix: 'team-{x}' },
      { topology: 'cluster', nodes: [{ host: 'a', port: 6379 }], tls: { caFile: '/ca' }, queuePrefix: 'team-{x}' }],
    ['a queue prefix on one Redis', { queuePrefix: 'capstan' }, { topology: 'single', nodes: [{ host: '127.0.0.1', port: 6379 }], queuePrefix: 'capstan' }],
  ];
  for (const [name, input, want] of table) it(name, () => assert.deepEqual({ ...redisTarget(input) }, want));

  const refused: Array<[string, RedisInput, string, RegExp]> = [
    ['two topologies', { url: 'redis://r', cluster: 'a:1' }, 'redis-cluster', /give one of/],
    ['Sentinels and Cluster', { sentinels: 's:1', sentinelMaster: 'm', cluster: 'a:1' }, 'redis-cluster', /give one of/],
    ['an unknown scheme', { url: 'http://r' }, 'redis-url', /expected redis:\/\//],
    ['several hosts in redis://', { url: 'redis://a:1,b:2' }, 'redis-url', /names 2 hosts/],
    ['a sentinel URL without master', { url: 'redis+sentinel://s:1' }, 'redis-url', /names the master/],
    ['a database that is no number', { url: 'redis://r/x' }, 'redis-url', /database must be a number/],
    ['a path too long', { url: 'redis://r/1/2' }, 'redis-url', /unexpected path/],
    ['a bad port', { cluster: 'a:99999' }, 'redis-cluster', /host:port/],
    ['an empty entry', { sentinels: 's:1,,t:2', sentinelMaster: 'm' }, 'redis-sentinel', /host:port/],
    ['Sentinels without a master name', { sentinels: 's:1' }, 'redis-sentinel-master', /required/],
    ['a master name without Sentinels', { sentinelMaster: 'm' }, 'redis-sentinel-master', /needs --redis-sentinel/],
    ['a Sentinel password without Sentinels', { sentinelPassword: 'x' }, 'redis-sentinel-password-file', /needs --redis-sentinel/],
    ['a password in the URL and in a file', { url: 'redis://:a@r', password: 'b' }, 'redis-password-file', /give one/],
    ['a user in the URL and a flag', { url: 'redis://u@r', username: 'v' }, 'redis-username', /give one/],
    ['a CA file without TLS', { url: 'redis://r', caFile: '/ca' }, 'redis-ca-file', /needs TLS/],
    ['a client key without its certificate', { url: 'rediss://r', keyFile: '/k' }, 'redis-cert-file', /both/],
    ['a Cluster prefix without hash tag', { cluster: 'a:1', queuePrefix: 'capstan' }, 'queue-prefix', /hash tag/],
    ['a prefix with a colon', { queuePrefix: 'a:b' }, 'queue-prefix', /":"/],
  ];
  for (const [name, input, flag, message] of refused) {
    it(`refuses ${name}, naming --${flag}`, () => {
      assert.throws(() => redisTarget(input), (err: unknown) => err instanceof ConfigError && err.flag === flag && message.test(err.message));
    });
  }

  it('never repeats a password in an error about the URL', () => {
    assert.throws(() => redisTarget({ url: 'ftp://u:hunter2@r' }), (err: Error) => !err.message.includes('hunter2') && err.message.includes('u:***@r'));
  });
});

describe('describeRedis and redactUrl: what may be shown', () => {
  it('names topology, hosts, master and TLS, never a password', () => {
    const t = redisTarget({ url: 'rediss+sentinel://:hunter2@s1:1,[::1]:2/m', sentinelPassword: 'sentinel-secret' });
    const text = describeRedis(t);
    assert.equal(text, 'master m via Sentinels s1:1,[::1]:2 over TLS with a password, queue prefix bull');
    assert.doesNotMatch(text, /hunter2|sentinel-secret/);
    assert.equal(describeRedis(redisTarget({ cluster: 'a:1' })), 'Cluster seeds a:1, queue prefix {capstan}');
  });

  it('redacts the password of a URL and leaves others alone', () => {
    assert.equal(redactUrl('redis://u:p@h:1/0'), 'redis://u:***@h:1/0');
    assert.equal(redactUrl('redis://:p@h'), 'redis://:***@h');
    assert.equal(redactUrl('redis://h:1'), 'redis://h:1');
  });
});
