import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config.ts';
import { FLAGS, type FlagSpec } from '../../src/config/flags.ts';

// Enough for every part of the Config to be read: a helm, a Git source, a Secret for --k8s-secret-namespace.
const BASE = ['run', '--git-url', 'https://git.example/repo.git', '--k8s-secret-name', 'flux-git-deploy'];
const ENV = { CAPSTAN_HELM_BINARY: '/opt/helm' };

describe('the defaults the flag table documents', () => {
  const withDefault = (Object.entries(FLAGS) as Array<[string, FlagSpec]>).filter(([, spec]) => spec.default !== undefined);
  it('cover the flags that have a literal default', () => assert.ok(withDefault.length > 30));
  for (const [flag, spec] of withDefault) {
    it(`--${flag}: unset means ${spec.default}`, () => {
      assert.deepEqual(loadConfig(BASE, ENV), loadConfig([...BASE, `--${flag}=${spec.default}`], ENV));
    });
  }

  it('a standard variable comes after CAPSTAN_<FLAG> and before the default', () => {
    assert.equal(loadConfig(['operator'], { REDIS_URL: 'redis://r:1' }).redisUrl, 'redis://r:1');
    assert.equal(loadConfig(['operator'], { REDIS_URL: 'redis://r:1', CAPSTAN_REDIS_URL: 'redis://c:2' }).redisUrl, 'redis://c:2');
    assert.equal(loadConfig(['operator'], { POD_NAMESPACE: 'flux' }).leaderElectionNamespace, 'flux');
    assert.equal(loadConfig(['operator'], {}).leaderElectionNamespace, 'default');
  });

  it('a changed value is not the default (the comparison above can fail)', () => {
    assert.notDeepEqual(loadConfig(BASE, ENV), loadConfig([...BASE, '--git-timeout=21s'], ENV));
  });
});
