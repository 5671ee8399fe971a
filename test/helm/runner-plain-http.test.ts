import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { execHelmRunner } from '../../src/helm/runner.ts';

// A fixture `helm` that records its argument list (NUL-separated) next to itself and succeeds.
describe('execHelmRunner passes --plain-http for an OCI chart whose registry speaks plain HTTP', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-runner-plain-'));
  const binary = join(dir, 'helm');
  writeFileSync(binary, `#!/bin/sh\nprintf '%s\\0' "$@" > '${join(dir, 'argv')}'\n`);
  chmodSync(binary, 0o755);
  after(() => rmSync(dir, { recursive: true, force: true }));
  const helm = execHelmRunner({ binary });
  const argv = (): string[] => readFileSync(join(dir, 'argv'), 'utf8').split('\0').slice(0, -1);
  const oci = { release: 'web', namespace: 'apps', chart: 'oci://127.0.0.1:5000/charts/hello', version: '0.1.0', values: {}, timeoutSec: 5, wait: false };

  for (const verb of ['install', 'upgrade'] as const) {
    it(`${verb}: --plain-http before the positionals when asked, and not otherwise`, async () => {
      await helm[verb]({ ...oci, plainHttp: true });
      const got = argv();
      assert.ok(got.indexOf('--plain-http') > 0 && got.indexOf('--plain-http') < got.indexOf('--'), JSON.stringify(got));
      assert.ok(got.includes('--version=0.1.0'));
      await helm[verb](oci);
      assert.ok(!argv().includes('--plain-http'));
    });
  }
});
