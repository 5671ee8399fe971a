import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { execHelmRunner } from '../../src/helm/runner.ts';

// A fixture `helm` that records its argument list (NUL-separated) next to itself and succeeds.
describe('execHelmRunner puts `--` before every positional argument of helm', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-runner-'));
  const binary = join(dir, 'helm');
  writeFileSync(binary, `#!/bin/sh\nprintf '%s\\0' "$@" > '${join(dir, 'argv')}'\n`);
  chmodSync(binary, 0o755);
  after(() => rmSync(dir, { recursive: true, force: true }));
  const helm = execHelmRunner({ binary, kubeconfig: '/etc/kubeconfig' });
  const argv = (): string[] => readFileSync(join(dir, 'argv'), 'utf8').split('\0').slice(0, -1);
  // hostile on purpose: validation refuses such names earlier, the runner must not depend on it
  const target = { release: '--set=evil', namespace: 'apps' };
  const values = { a: 1 };

  const cases: Array<[string, () => Promise<unknown>, string[], string[]]> = [
    ['install', () => helm.install({ ...target, chart: '-f/etc/passwd', values, timeoutSec: 5, wait: true, skipCRDs: true }),
      ['install'], ['--set=evil', '-f/etc/passwd']],
    ['upgrade', () => helm.upgrade({ ...target, chart: '/charts/hello', values, timeoutSec: 5, wait: false, force: true, maxHistory: 3 }),
      ['upgrade'], ['--set=evil', '/charts/hello']],
    ['rollback', () => helm.rollback({ ...target, version: 2, timeoutSec: 5, wait: true }), ['rollback'], ['--set=evil', '2']],
    ['test', () => helm.test({ ...target, timeoutSec: 5 }), ['test'], ['--set=evil']],
    ['uninstall', () => helm.uninstall({ ...target, timeoutSec: 5 }), ['uninstall'], ['--set=evil']],
    ['get manifest', () => helm.manifest(target), ['get', 'manifest'], ['--set=evil']],
    ['get metadata', () => helm.metadata(target), ['get', 'metadata'], ['--set=evil']],
    ['get values', () => helm.values(target), ['get', 'values'], ['--set=evil']],
    ['dependency build', () => helm.dependencyBuild({ chartDir: '--help' }), ['dependency', 'build'], ['--help']],
  ];
  for (const [what, call, verb, positional] of cases) {
    it(`${what}: helm ${verb.join(' ')} <flags> -- ${positional.join(' ')}`, async () => {
      await call();
      const got = argv();
      const dash = got.indexOf('--');
      assert.ok(dash > 0, `no -- in ${JSON.stringify(got)}`);
      assert.deepEqual(got.slice(0, verb.length), verb);
      assert.deepEqual(got.slice(dash + 1), positional, 'exactly the positional arguments follow --');
      const flags = got.slice(verb.length, dash);
      assert.ok(flags.every((f, i) => f.startsWith('--') || flags[i - 1]?.startsWith('--')), `a positional among the flags: ${JSON.stringify(flags)}`);
      assert.ok(flags.includes('--kubeconfig'));
      if (what !== 'dependency build') assert.ok(flags.includes('--namespace=apps'), 'the namespace is one argument with its flag');
    });
  }

  it('gives a value that looks like a flag (an OCI chart version) as one argument with its flag', async () => {
    await helm.install({ ...target, chart: 'oci://registry.example.com/charts/hello', version: '--devel', values, timeoutSec: 5, wait: false });
    assert.ok(argv().includes('--version=--devel'), JSON.stringify(argv()));
    assert.ok(!argv().includes('--devel'));
  });

  it('keeps the flags of each verb', async () => {
    await helm.install({ ...target, chart: '/c', values, timeoutSec: 7, wait: false, description: 'Capstan: --not-a-flag' });
    assert.ok(argv().includes('--description=Capstan: --not-a-flag'), 'the description is one argument with its flag');
    await helm.upgrade({ ...target, chart: '/c', values, timeoutSec: 7, wait: true, resetValues: false, maxHistory: 3, disableOpenAPIValidation: true });
    const flags = argv().slice(1, argv().indexOf('--'));
    for (const f of ['--values', '--timeout', '7s', '--wait', '--disable-openapi-validation', '--reuse-values', '--history-max', '3']) assert.ok(flags.includes(f), f);
    await helm.rollback({ ...target, version: 4, timeoutSec: 5, disableHooks: true, recreate: true, force: true });
    for (const f of ['--no-hooks', '--recreate-pods', '--force']) assert.ok(argv().slice(0, argv().indexOf('--')).includes(f), f);
  });
});
