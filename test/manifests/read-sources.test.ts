import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readSourceFiles } from '../../src/manifests/read-sources.ts';

const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  a: b\n`;
const commandUpdated = (command: string, timeout = '') => `version: 1\ncommandUpdated:\n  generators:\n    - command: '${command}'\n${timeout ? `      timeout: ${timeout}\n` : ''}`;

describe('readSourceFiles', () => {
  let root = '';
  const write = (files: Record<string, string>) => {
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    }
  };
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'capstan-read-sources-'));
    process.env.CAPSTAN_TEST_SECRET = 'not-for-generators';
    write({
      // a .flux.yaml above the sync paths: its commands run in each path's directory
      'apps/.flux.yaml': commandUpdated('cat *.yaml.in; printf "%s" "$CAPSTAN_TEST_SECRET$KUBECONFIG$HOME" > seen.txt'),
      'apps/one/cm.yaml.in': configMap('one'),
      'apps/one/ignored.yaml': configMap('never-read'),
      'plain/cm.yaml': configMap('plain'),
      'plain/.flux.yaml': 'version: 1\nscanForFiles: {}\n',
      'broken/.flux.yaml': commandUpdated('echo half-printed; echo "no such overlay" >&2; exit 3'),
      'broken/cm.yaml': configMap('broken'),
      'invalid/.flux.yaml': 'version: 1\ncommandUpdated:\n  generators: [{command: ""}]\n',
      'slow/.flux.yaml': commandUpdated('sleep 5', '1s'),
      'loud/.flux.yaml': commandUpdated('head -c 17000000 /dev/zero'),
      'patched/.flux.yaml': 'version: 1\npatchUpdated:\n  generators:\n    - command: cat base.txt\n  patchFile: patches/flux-patch.yaml\n',
      'patched/base.txt': `${configMap('p')}---\n${configMap('q')}`,
      'patched/patches/flux-patch.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: q}\ndata: {a: patched}\n',
    });
  });
  after(() => {
    delete process.env.CAPSTAN_TEST_SECRET;
    rmSync(root, { recursive: true, force: true });
  });
  const read = (paths: string[], manifestGeneration = true) => readSourceFiles(root, paths, { manifestGeneration, defaultNamespace: 'default' });

  it('without --manifest-generation reads the YAML files and never a .flux.yaml', async () => {
    const r = await read(['apps', 'plain'], false);
    assert.deepEqual(r.files.map((f) => f.file), ['apps/one/ignored.yaml', 'plain/cm.yaml']);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.generated, []);
  });

  it('generates a path from the nearest .flux.yaml above it, in its directory, with no variable of Capstan', async () => {
    const r = await read(['apps/one']);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.files, [{ file: 'apps/.flux.yaml (generated for apps/one)', text: configMap('one') }]);
    assert.deepEqual(r.generated.map((g) => [g.path, g.dir, g.configFile]), [['apps/one', 'apps/one', 'apps/.flux.yaml']]);
    const { readFileSync } = await import('node:fs');
    assert.equal(readFileSync(join(root, 'apps/one/seen.txt'), 'utf8'), '', 'neither a Capstan variable, KUBECONFIG nor HOME reaches the command');
  });

  it('scanForFiles reads the path as plain files', async () => {
    const r = await read(['plain']);
    assert.deepEqual(r.files.map((f) => f.file), ['plain/cm.yaml']);
  });

  it('merges the patchFile into the generated objects', async () => {
    const r = await read(['patched']);
    assert.deepEqual(r.errors, []);
    assert.match(r.files[0]?.text ?? '', /name: q\ndata:\n {2}a: patched/);
    assert.match(r.files[0]?.text ?? '', /name: p\ndata:\n {2}a: b/);
  });

  it('never runs a command in a directory a link leads to outside the repository', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'capstan-outside-'));
    writeFileSync(join(outside, 'secret.yaml.in'), configMap('outside'));
    symlinkSync(outside, join(root, 'apps/out'));
    try {
      const r = await read(['apps/out']);
      assert.deepEqual(r.files, []);
      assert.deepEqual(r.errors, [{ file: 'apps/out', message: 'passes through a symbolic link out of the repository; not generated' }]);
    } finally {
      rmSync(join(root, 'apps/out'));
      rmSync(outside, { recursive: true, force: true });
    }
  });

  const failures: Array<[string, string, RegExp]> = [
    ['a generator that exits non-zero', 'broken', /^broken\/\.flux\.yaml: command "echo half-printed; .*" exited with code 3: no such overlay; nothing of --git-path broken is applied$/],
    ['an invalid .flux.yaml', 'invalid', /^invalid\/\.flux\.yaml: commandUpdated\.generators\[0\]\.command: expected a non-empty command; nothing of --git-path invalid is applied$/],
    ['a generator over its timeout', 'slow', /^slow\/\.flux\.yaml: command "sleep 5" timed out after 1s/],
    ['a generator printing too much', 'loud', /^loud\/\.flux\.yaml: command "head -c 17000000 \/dev\/zero" printed more than 16777216 bytes/],
  ];
  for (const [name, path, message] of failures) {
    it(`${name} is a load error naming the .flux.yaml, and nothing of its path is read; other paths are`, async () => {
      const r = await read([path, 'plain']);
      assert.deepEqual(r.files.map((f) => f.file), ['plain/cm.yaml']);
      assert.equal(r.errors.length, 1);
      assert.equal(r.errors[0]?.file, `${path}/.flux.yaml`);
      assert.match(r.errors[0]?.message ?? '', message);
    });
  }
});
