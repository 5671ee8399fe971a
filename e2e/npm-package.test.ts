import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { copyWorkTree, packTarball, ROOT } from './support/package-copy.ts';

// Capstan as a user installs it: the tarball of `npm pack` installed with `npm install --omit=dev` into an empty
// project, from the npm registry, then run through `npx capstan`. The PATH holds no Node 24 (only the machine's
// node, if any, which runs npm), so the launcher must find the Node 24 of the `node` dependency npm installed.

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
// PATH without the project's node_modules/.bin: what a user's shell has.
const USER_PATH = (process.env.PATH ?? '').split(':').filter((d) => !d.startsWith(ROOT)).join(':');

describe('the npm package, installed into an empty project', () => {
  const top = mkdtempSync(join(tmpdir(), 'capstan-npm-'));
  const project = join(top, 'project');
  const npx = (args: string[]) => execa('npx', ['--no-install', 'capstan', ...args], { cwd: project, env: { PATH: USER_PATH }, reject: false });
  after(() => rmSync(top, { recursive: true, force: true }));

  before(async () => {
    const started = Date.now();
    const tarball = await packTarball(copyWorkTree(join(top, 'source')), top);
    const packed = Date.now();
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'project', version: '1.0.0', private: true }));
    await execa('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', tarball], { cwd: project, env: { PATH: USER_PATH } });
    process.stderr.write(`npm-package: pack ${packed - started} ms, install ${Date.now() - packed} ms\n`);
  });

  // The `node` package npm installed for Capstan: in Capstan's own node_modules or hoisted to the project's.
  const nodePackage = () => [join(project, 'node_modules', 'capstan', 'node_modules', 'node'), join(project, 'node_modules', 'node')].find(existsSync);

  it('installs the launcher as node_modules/.bin/capstan and Node 24 as a production dependency', () => {
    assert.ok(existsSync(join(project, 'node_modules', '.bin', 'capstan')));
    const node = nodePackage();
    assert.ok(node, 'the node package is installed');
    assert.match((JSON.parse(readFileSync(join(node, 'package.json'), 'utf8')) as { version: string }).version, /^2[4-9]\./);
  });

  it("npx capstan --version prints package.json's version", async () => {
    const r = await npx(['--version']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout.split('\n')[0], `capstan: ${VERSION}`);
  });

  it('npx capstan --help lists the roles and flags', async () => {
    const r = await npx(['--help']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /^Usage: capstan ROLE/m);
    for (const role of ['daemon', 'operator', 'worker', 'run']) assert.match(r.stdout, new RegExp(`^  ${role} `, 'm'));
    assert.match(r.stdout, /--redis-url URL/);
  });

  it('every module of dist/ loads with the production dependencies alone', async () => {
    const dist = join(project, 'node_modules', 'capstan', 'dist');
    const script = `const fs = await import('node:fs');
      const files = fs.readdirSync('.', { recursive: true }).filter((f) => f.endsWith('.js') && f !== 'main.js');
      for (const f of files) await import('./' + f).catch((e) => console.log(f + ': ' + e.message));
      console.log('loaded ' + files.length);`;
    const r = await execa(join(nodePackage() ?? 'missing', 'bin', 'node'), ['--input-type=module', '-e', script], { cwd: dist, reject: false });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /^loaded [1-9][0-9]+$/);
  });

  it('npx capstan worker reads the helm pin shipped in the package', async () => {
    // No helm anywhere: the worker looks for the pinned build (its version read from helm-bin/HELM_VERSION in the
    // package), then PATH, and stops on its flags naming --helm-binary; a file missing from the package would crash.
    const r = await execa('npx', ['--no-install', 'capstan', 'worker'], {
      cwd: project, extendEnv: false, reject: false,
      env: { PATH: USER_PATH.split(':').filter((d) => !existsSync(join(d, 'helm'))).join(':'), HOME: process.env.HOME, CAPSTAN_CACHE: join(top, 'cache') },
    });
    assert.equal(r.exitCode, 2, r.stderr);
    assert.match(r.stderr, /--helm-binary: no helm found/);
  });
});
