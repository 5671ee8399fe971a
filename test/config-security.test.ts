import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../src/config-error.ts';
import { loadConfig } from '../src/config/load-config.ts';

const HELM = { CAPSTAN_HELM_BINARY: '/opt/helm' };

describe('security flags', () => {
  it('default to the secure choice', () => {
    const c = loadConfig(['run'], { ...HELM });
    assert.deepEqual({ ...c.security }, {
      allowCrossNamespaceRefs: false, allowInsecureCredentials: false, allowPrivateNetworks: false, allowFileUrls: false,
    });
    assert.equal(c.apiToken, undefined);
  });

  it('are loosened one by one by a flag or CAPSTAN_<FLAG>', () => {
    const c = loadConfig(['run', '--allow-cross-namespace-refs', '--allow-private-networks=true'], { ...HELM, CAPSTAN_ALLOW_FILE_URLS: 'true' });
    assert.equal(c.security.allowCrossNamespaceRefs, true);
    assert.equal(c.security.allowPrivateNetworks, true);
    assert.equal(c.security.allowFileUrls, true);
    assert.equal(c.security.allowInsecureCredentials, false);
  });

  it('read tokens from a file, so they need not be in the process list', () => {
    const dir = mkdtempSync(join(tmpdir(), 'capstan-config-'));
    writeFileSync(join(dir, 'api'), 'api-secret\n');
    writeFileSync(join(dir, 'dash'), 'dash-secret');
    writeFileSync(join(dir, 'hook'), 'hook-secret\n');
    const c = loadConfig(['run', '--api-token-file', join(dir, 'api'), '--dashboard-token-file', join(dir, 'dash'),
      '--webhook-secret-file', join(dir, 'hook')], { ...HELM });
    assert.equal(c.apiToken, 'api-secret');
    assert.equal(c.dashboardToken, 'dash-secret');
    assert.equal(c.sync.webhookSecret, 'hook-secret');
    assert.equal(loadConfig(['run'], { ...HELM, CAPSTAN_API_TOKEN: 'from-env' }).apiToken, 'from-env');
  });

  it('refuse a missing or empty token file, and a token given twice, naming the flag', () => {
    const dir = mkdtempSync(join(tmpdir(), 'capstan-config-'));
    writeFileSync(join(dir, 'empty'), '');
    const bad = (args: string[]) => {
      try {
        loadConfig(['run', ...args], { ...HELM });
      } catch (err) {
        assert.ok(err instanceof ConfigError);
        return err.flag;
      }
      assert.fail('accepted');
    };
    assert.equal(bad(['--api-token-file', join(dir, 'missing')]), 'api-token-file');
    assert.equal(bad(['--api-token-file', join(dir, 'empty')]), 'api-token-file');
    assert.equal(bad(['--api-token', 'x', '--api-token-file', join(dir, 'empty')]), 'api-token-file');
    assert.equal(bad(['--allow-file-urls=maybe']), 'allow-file-urls');
  });
});
