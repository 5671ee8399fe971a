import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { envName, FLAGS, flagsOf } from '../../src/config/flags.ts';

// `capstan` run as a user runs it: bin/capstan (Node 24 from node_modules), with an empty environment.
const BIN = new URL('../../bin/capstan', import.meta.url).pathname;
const capstan = (...args: string[]) => spawnSync(BIN, args, { encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH ?? '' } });

// The lines of help that introduce each flag: `  --name` at the start of a line.
const listed = (help: string): string[] => [...help.matchAll(/^ {2}--([a-z0-9-]+)/gm)].map((m) => m[1] ?? '');

describe('capstan --help', () => {
  for (const role of ['daemon', 'operator', 'worker', 'run'] as const) {
    it(`capstan ${role} --help lists every flag of the role with its default, variable and meaning, and exits 0`, () => {
      const run = capstan(role, '--help');
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stderr, '');
      const expected = flagsOf(role);
      assert.deepEqual(listed(run.stdout), expected.map(([flag]) => flag));
      for (const [flag, spec] of expected) {
        const block = run.stdout.slice(run.stdout.indexOf(`  --${flag}`)).split('\n').slice(0, 3).join('\n');
        assert.ok(block.includes(spec.meaning), `${flag}: ${block}`);
        assert.ok(block.includes(envName(flag)), `${flag}: ${block}`);
        const fallback = spec.default ?? spec.unset;
        if (fallback) assert.ok(block.includes(`default: ${fallback}`), `${flag}: ${block}`);
      }
    });
  }

  it('the worker help leaves out the daemon\'s flags, the daemon help the worker\'s', () => {
    assert.ok(!listed(capstan('worker', '--help').stdout).includes('git-url'));
    assert.ok(!listed(capstan('daemon', '--help').stdout).includes('concurrency'));
  });

  it('capstan --help (and -h after any flags) names the roles and lists every flag with its roles', () => {
    const run = capstan('--help');
    assert.equal(run.status, 0, run.stderr);
    for (const role of ['daemon', 'operator', 'worker', 'run']) assert.match(run.stdout, new RegExp(`^ {2}${role} +\\S`, 'm'));
    assert.deepEqual(listed(run.stdout), Object.keys(FLAGS));
    assert.match(run.stdout, /--concurrency N\n.*\n.*roles: worker$/m);
    assert.equal(capstan('operator', '--debounce', '2s', '-h').stdout, capstan('operator', '--help').stdout);
  });

  it('capstan --version (and -v, version) prints the versions of Capstan, helm and Node', () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const arg of ['--version', '-v', 'version']) {
      const run = capstan(arg);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`^capstan: ${version.replaceAll('.', '\\.')}\nhelm: (v3\\S+|not found)\nnode: ${process.version}\n$`));
    }
  });

  it('helm names the configured binary, or says it is not found', () => {
    const env = { PATH: '/nonexistent', CAPSTAN_CACHE: '/nonexistent' };
    const missing = spawnSync(process.execPath, [new URL('../../src/main.ts', import.meta.url).pathname, '--version'], { encoding: 'utf8', env });
    assert.match(missing.stdout, /^helm: not found$/m);
  });

  it('capstan alone, capstan help and capstan help ROLE print help and exit 0', () => {
    assert.equal(capstan().stdout, capstan('--help').stdout);
    assert.equal(capstan().status, 0);
    assert.equal(capstan('help').stdout, capstan('--help').stdout);
    assert.equal(capstan('help', 'worker').stdout, capstan('worker', '--help').stdout);
    assert.match(capstan('--help').stdout, /capstan ctl COMMAND/);
  });

  it('an unknown flag still exits 2 naming it', () => {
    const run = capstan('worker', '--colour', 'x', '--helm-binary', '/bin/true');
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^capstan: --colour: /);
  });
});
