import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { execa } from 'execa';

// bin/capstan, the launcher npm links as node_modules/.bin/capstan, finds the Node 24 of the `node` package the way
// npm lays it out: in Capstan's own node_modules, or hoisted above it; it skips a `node` package older than 24, and
// falls back to a node 24 on PATH. Each layout is built on disk with a fake main that says which node ran it.

const LAUNCHER = join(import.meta.dirname, '..', '..', 'bin', 'capstan');
const MAIN = 'console.log(JSON.stringify({ node: process.env.WHICH_NODE ?? "PATH", main: process.argv[1], args: process.argv.slice(2), flags: process.execArgv }));\n';
const top = mkdtempSync(join(tmpdir(), 'capstan-launcher-'));
after(() => rmSync(top, { recursive: true, force: true }));

function write(path: string, text: string, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, mode);
}

// A `node` npm package at `dir` of `version` whose bin/node runs this test's Node 24, labelled `label`.
function nodePackage(dir: string, version: string, label: string): void {
  write(join(dir, 'package.json'), JSON.stringify({ name: 'node', version, bin: { node: 'bin/node' } }, null, 2));
  write(join(dir, 'bin', 'node'), `#!/bin/sh\nWHICH_NODE=${label} exec '${process.execPath}' "$@"\n`, 0o755);
}

// A folder holding `node` on PATH: this Node 24, or a node 20 that must not run Capstan.
function pathWithNode(name: string, major: 20 | 24): string {
  const bin = join(top, name, 'path-bin');
  if (major === 24) {
    mkdirSync(bin, { recursive: true });
    symlinkSync(process.execPath, join(bin, 'node'));
  } else {
    write(join(bin, 'node'), '#!/bin/sh\n[ "$1" = -p ] && echo 20 && exit 0\necho "node 20 ran Capstan" >&2\nexit 3\n', 0o755);
  }
  return `${bin}:/usr/bin:/bin`;
}

// A project at top/name with Capstan installed as a dependency (its package holding dist/ only, as packed), its
// launcher linked as node_modules/.bin/capstan; returns that link.
function installedCapstan(name: string): string {
  const project = join(top, name);
  const pkg = join(project, 'node_modules', 'capstan');
  mkdirSync(join(pkg, 'bin'), { recursive: true });
  copyFileSync(LAUNCHER, join(pkg, 'bin', 'capstan'));
  chmodSync(join(pkg, 'bin', 'capstan'), 0o755);
  write(join(pkg, 'dist', 'main.js'), MAIN);
  mkdirSync(join(project, 'node_modules', '.bin'), { recursive: true });
  symlinkSync('../capstan/bin/capstan', join(project, 'node_modules', '.bin', 'capstan'));
  return join(project, 'node_modules', '.bin', 'capstan');
}

async function run(launcher: string, path: string, env: Record<string, string> = {}, args = ['--version', 'x y']): Promise<{ exitCode?: number; stderr: string; ran?: { node: string; main: string; args: string[]; flags: string[] } }> {
  const r = await execa(launcher, args, { env: { PATH: path, ...env }, extendEnv: false, reject: false });
  return { exitCode: r.exitCode, stderr: r.stderr, ran: r.exitCode === 0 ? JSON.parse(r.stdout) : undefined };
}

describe('bin/capstan', () => {
  it("runs the installed package's dist/main.js on the node package in its own node_modules", async () => {
    const launcher = installedCapstan('nested');
    nodePackage(join(top, 'nested', 'node_modules', 'capstan', 'node_modules', 'node'), '24.21.0', 'nested');
    const r = await run(launcher, pathWithNode('nested', 20));
    assert.equal(r.ran?.node, 'nested', r.stderr);
    assert.equal(r.ran?.main, join(top, 'nested', 'node_modules', 'capstan', 'dist', 'main.js'));
    assert.deepEqual(r.ran?.args, ['--version', 'x y']);
  });

  it('runs on a node package that npm hoisted into the node_modules above it', async () => {
    const launcher = installedCapstan('hoisted');
    nodePackage(join(top, 'hoisted', 'node_modules', 'node'), '24.21.0', 'hoisted');
    assert.equal((await run(launcher, pathWithNode('hoisted', 20))).ran?.node, 'hoisted');
  });

  it('skips a node package older than 24 on the way up', async () => {
    const launcher = installedCapstan('older');
    nodePackage(join(top, 'older', 'node_modules', 'capstan', 'node_modules', 'node'), '22.11.0', 'node22');
    nodePackage(join(top, 'older', 'node_modules', 'node'), '24.21.0', 'hoisted24');
    assert.equal((await run(launcher, pathWithNode('older', 20))).ran?.node, 'hoisted24');
  });

  it('falls back to a node 24 on PATH', async () => {
    const launcher = installedCapstan('on-path');
    assert.equal((await run(launcher, pathWithNode('on-path', 24))).ran?.node, 'PATH');
  });

  it('refuses to run on an older node, saying what to install', async () => {
    const launcher = installedCapstan('none');
    const r = await run(launcher, pathWithNode('none', 20));
    assert.equal(r.exitCode, 1);
    assert.match(r.stderr, /Node 24 or newer is needed/);
    assert.doesNotMatch(r.stderr, /node 20 ran Capstan/);
  });

  it("runs the HelmRelease roles with V8's memory settings, which CAPSTAN_NODE_FLAGS replaces or (empty) drops", async () => {
    const launcher = installedCapstan('flags');
    nodePackage(join(top, 'flags', 'node_modules', 'node'), '24.21.0', 'flags');
    const path = pathWithNode('flags', 20);
    for (const role of ['operator', 'worker', 'run']) {
      assert.deepEqual((await run(launcher, path, {}, [role, '--help'])).ran?.flags, ['--optimize-for-size', '--max-semi-space-size=4'], role);
    }
    assert.deepEqual((await run(launcher, path, { CAPSTAN_NODE_FLAGS: '--max-old-space-size=300 --stack-trace-limit=20' }, ['worker'])).ran?.flags,
      ['--max-old-space-size=300', '--stack-trace-limit=20']);
    const none = await run(launcher, path, { CAPSTAN_NODE_FLAGS: '' }, ['run', 'x y']);
    assert.deepEqual(none.ran?.flags, []);
    assert.deepEqual(none.ran?.args, ['run', 'x y']);
  });

  it('runs the daemon and other commands without them, unless CAPSTAN_NODE_FLAGS names some', async () => {
    const launcher = installedCapstan('flags-daemon');
    nodePackage(join(top, 'flags-daemon', 'node_modules', 'node'), '24.21.0', 'flags-daemon');
    const path = pathWithNode('flags-daemon', 20);
    for (const args of [['daemon'], ['ctl', 'list'], ['--version'], []]) assert.deepEqual((await run(launcher, path, {}, args)).ran?.flags, [], args.join(' '));
    assert.deepEqual((await run(launcher, path, { CAPSTAN_NODE_FLAGS: '--optimize-for-size' }, ['daemon'])).ran?.flags, ['--optimize-for-size']);
  });

  it('passes the same settings to a node 24 found on PATH', async () => {
    const launcher = installedCapstan('flags-on-path');
    assert.deepEqual((await run(launcher, pathWithNode('flags-on-path', 24), {}, ['operator'])).ran?.flags, ['--optimize-for-size', '--max-semi-space-size=4']);
  });

  it('runs src/main.ts in a work tree', async () => {
    const tree = join(top, 'work-tree');
    write(join(tree, 'bin', 'capstan'), '', 0o755);
    copyFileSync(LAUNCHER, join(tree, 'bin', 'capstan'));
    write(join(tree, 'src', 'main.ts'), MAIN);
    write(join(tree, 'dist', 'main.js'), 'console.log("stale dist/");\n');
    nodePackage(join(tree, 'node_modules', 'node'), '24.21.0', 'tree');
    const r = await run(join(tree, 'bin', 'capstan'), pathWithNode('work-tree', 20));
    assert.equal(r.ran?.main, join(tree, 'src', 'main.ts'), r.stderr);
  });
});
