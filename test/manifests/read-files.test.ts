import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { exportTree } from '../../src/git/mirror.ts';
import type { LiveRef, SyncCluster } from '../../src/sync/cluster.ts';
import { MAX_MANIFEST_FILE_BYTES, readManifestFiles } from '../../src/manifests/read-files.ts';
import { syncSource } from '../../src/sync/sync-source.ts';
import { commit, git } from '../git/git-fixtures.ts';

const configMap = (name: string, data = 'x'): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: apps\ndata:\n  value: ${data}\n`;

// A SyncCluster that records what was applied, and holds nothing.
function recordingCluster(): SyncCluster & { applied: string[] } {
  const applied: string[] = [];
  return {
    applied,
    apply: async (body) => void applied.push(String((body.metadata as { name: string }).name)),
    waitEstablished: async () => {},
    listLabelled: async (): Promise<LiveRef[]> => [],
    delete: async () => {},
  };
}

describe('readManifestFiles on a checkout with symbolic links', () => {
  const root = mkdtempSync(join(tmpdir(), 'capstan-read-files-'));
  const outside = join(root, 'outside');
  const work = join(root, 'work');
  let checkout = '';
  before(async () => {
    mkdirSync(outside);
    writeFileSync(join(outside, 'stolen.yaml'), configMap('stolen', 'worker-secret'));
    await git(root, 'init', '--quiet', '--initial-branch=master', work);
    mkdirSync(join(work, 'apps'));
    symlinkSync(join(outside, 'stolen.yaml'), join(work, 'apps/leak.yaml')); // a file outside the repository
    symlinkSync(outside, join(work, 'apps/ext')); // a directory outside
    symlinkSync('.', join(work, 'a')); // a loop
    symlinkSync('self.yaml', join(work, 'apps/self.yaml')); // a link to itself
    symlinkSync('gone.yaml', join(work, 'apps/dangling.yaml'));
    mkdirSync(join(work, 'prod'));
    symlinkSync('../base', join(work, 'prod/base')); // a directory inside the repository
    await commit(work, { 'apps/app.yaml': configMap('app'), 'base/base.yaml': configMap('base') }, 'Manifests and links');
    const sha = await git(work, 'rev-parse', 'HEAD');
    checkout = await exportTree(join(work, '.git'), { sha, path: '.', dest: join(root, 'checkout') });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('reports each link out of the repository, loop and broken link as a load error for its path, and reads the rest', async () => {
    const read = await readManifestFiles(checkout, []);
    assert.deepEqual(read.files.map((f) => f.file), ['apps/app.yaml', 'base/base.yaml']);
    assert.deepEqual(read.errors.map((e) => e.file).sort(), ['a', 'apps/dangling.yaml', 'apps/ext', 'apps/leak.yaml', 'apps/self.yaml']);
    const message = (file: string) => read.errors.find((e) => e.file === file)?.message;
    assert.equal(message('apps/leak.yaml'), `is a symbolic link to "${join(outside, 'stolen.yaml')}", outside the repository; skipped`);
    assert.equal(message('apps/ext'), `is a symbolic link to "${outside}", outside the repository; skipped`);
    assert.equal(message('a'), 'is a symbolic link to a directory that contains it (a loop); skipped');
    assert.equal(message('apps/self.yaml'), 'is a symbolic link loop; skipped');
    assert.equal(message('apps/dangling.yaml'), 'is a broken symbolic link; skipped');
    assert.ok(!read.files.some((f) => f.text.includes('worker-secret')), 'the outside file was never read');
  });

  it('follows a link to a directory inside the repository, reading each directory once', async () => {
    const prod = await readManifestFiles(checkout, ['prod']);
    assert.deepEqual(prod, { files: [{ file: 'prod/base/base.yaml', text: configMap('base') }], errors: [] });
  });

  it('reports a --git-path that passes through a link out of the repository', async () => {
    const read = await readManifestFiles(checkout, ['apps/ext', 'apps/ext/deeper', 'apps/app.yaml']);
    assert.deepEqual(read.files.map((f) => f.file), ['apps/app.yaml']);
    assert.deepEqual(read.errors, [
      { file: 'apps/ext', message: `is a symbolic link to "${outside}", outside the repository; skipped` },
      { file: 'apps/ext/deeper', message: 'passes through "apps/ext", a symbolic link out of the repository; skipped' },
    ]);
  });

  it('syncs the other manifests, records the load errors, and so does not count the sync complete', async () => {
    const cluster = recordingCluster();
    const record = await syncSource({ id: 'links', root: checkout, paths: [], defaultNamespace: 'default', gc: { enabled: true, dryRun: false, budgetRatio: 1 } },
      'rev', { cluster, log: pino({ level: 'silent' }) });
    assert.deepEqual(cluster.applied.sort(), ['app', 'base']);
    assert.equal(record.loadErrors.length, 5);
    assert.equal(record.complete, false);
  });
});

describe('readManifestFiles: a file that is too large or not text is an error for that file alone', () => {
  const root = mkdtempSync(join(tmpdir(), 'capstan-read-files-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('skips binary, non-UTF-8 and oversized files with a message, and reads the rest', async () => {
    writeFileSync(join(root, 'ok.yaml'), configMap('ok'));
    writeFileSync(join(root, 'binary.yaml'), Buffer.from([0x6b, 0x69, 0x00, 0x01, 0x02]));
    writeFileSync(join(root, 'latin1.yaml'), Buffer.from('name: caf\xe9\n', 'latin1'));
    writeFileSync(join(root, 'huge.yaml'), Buffer.alloc(MAX_MANIFEST_FILE_BYTES + 1, 0x20));
    const read = await readManifestFiles(root, []);
    assert.deepEqual(read.files.map((f) => f.file), ['ok.yaml']);
    assert.deepEqual(read.errors, [
      { file: 'binary.yaml', message: 'is not UTF-8 text (a binary file?); skipped' },
      { file: 'huge.yaml', message: `is ${MAX_MANIFEST_FILE_BYTES + 1} bytes, more than the ${MAX_MANIFEST_FILE_BYTES} a manifest file may have; skipped` },
      { file: 'latin1.yaml', message: 'is not UTF-8 text (a binary file?); skipped' },
    ]);
  });
});
