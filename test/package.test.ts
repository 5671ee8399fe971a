import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyWorkTree, type PackedFile, packedFiles, ROOT } from '../e2e/support/package-copy.ts';

// What `npm pack` puts in Capstan's tarball: what runs (the launcher, the JavaScript built from src/, the files src/
// reads at run time), the CRD to apply, and nothing of the tests.

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(join(ROOT, 'src'), join(e.parentPath, e.name)));
}

describe('npm pack', () => {
  let dir: string;
  let files: PackedFile[];
  let paths: Set<string>;
  before(async () => {
    dir = copyWorkTree(mkdtempSync(join(tmpdir(), 'capstan-pack-')));
    files = await packedFiles(dir);
    paths = new Set(files.map((f) => f.path));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('holds the launcher, executable', () => {
    const launcher = files.find((f) => f.path === 'bin/capstan');
    assert.ok(launcher, 'bin/capstan is packed');
    assert.equal(launcher.mode & 0o111, 0o111, 'bin/capstan is executable');
  });

  it('holds every file of src/ built to JavaScript in dist/, and no TypeScript source', () => {
    const missing = sourceFiles(join(ROOT, 'src')).map((f) => `dist/${f.replace(/\.ts$/, '.js')}`).filter((f) => !paths.has(f));
    assert.deepEqual(missing, []);
    assert.ok(paths.has('dist/main.js'));
    assert.deepEqual([...paths].filter((p) => p.endsWith('.ts')), []);
  });

  it('holds the files src/ reads at run time and the CRD', () => {
    for (const file of ['package.json', 'helm-bin/HELM_VERSION', 'deploy/crds/helmreleases.helm.fluxcd.io.yaml', 'README.md']) {
      assert.ok(paths.has(file), `${file} is packed`);
    }
  });

  it('holds no tests, benchmarks or scripts', () => {
    const stray = [...paths].filter((p) => /^(src|test|e2e|bench|scripts|helm-bin\/build\.sh|\.ci)(\/|$)/.test(p));
    assert.deepEqual(stray, []);
  });
});
