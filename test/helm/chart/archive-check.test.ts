import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { StallingError } from '../../../src/errors/stalling-error.ts';
import { CACHE_KEY_FILE } from '../../../src/fs/credential-id.ts';
import { inspectChartArchive } from '../../../src/helm/chart/archive-check.ts';
import { downloadChart } from '../../../src/helm/chart/chart-cache.ts';
import { readChartFile } from '../../../src/helm/chart/chart-file.ts';
import { networkAccess } from '../../../src/net/network-access.ts';
import { SECURE_DEFAULTS } from '../../../src/security-config.ts';
import { serveFiles, startRepoServer } from './repo-server.ts';
import { chartTgz, type FixtureEntry, tarGz } from './tar-fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'capstan-archive-check-'));
after(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
// Writes an archive to a fresh file and returns its path.
const archive = (bytes: Buffer): string => {
  const path = join(root, `chart-${++count}.tgz`);
  writeFileSync(path, bytes);
  return path;
};
const problemOf = async (bytes: Buffer) => (await inspectChartArchive(archive(bytes))).problem;

describe('inspectChartArchive', () => {
  it('accepts what GNU tar writes in gnu, pax and ustar formats, with long names and a link inside the chart', async () => {
    const src = join(root, 'src');
    const long = `templates/${'a'.repeat(60)}/${'b'.repeat(60)}.yaml`;
    mkdirSync(join(src, 'hello', long, '..'), { recursive: true });
    writeFileSync(join(src, 'hello/Chart.yaml'), 'apiVersion: v2\nname: hello\nversion: 1.0.0\n');
    writeFileSync(join(src, 'hello/values.yaml'), 'greeting: hi\n');
    writeFileSync(join(src, 'hello', long), 'kind: ConfigMap\n');
    symlinkSync('values.yaml', join(src, 'hello/values-link.yaml'));
    for (const format of ['gnu', 'posix', 'ustar']) {
      const out = join(root, `by-tar-${format}.tgz`);
      await execa('tar', [`--format=${format}`, '-czf', out, '-C', src, 'hello']);
      const { problem, tree } = await inspectChartArchive(out);
      assert.equal(problem, undefined, format);
      assert.equal(tree.get(`hello/${long}`)?.size, 'kind: ConfigMap\n'.length, format);
      assert.equal(tree.get('hello/values-link.yaml')?.linkName, 'values.yaml', format);
      assert.equal(await readChartFile(out, 'values-link.yaml'), 'greeting: hi\n', `${format}: a link inside is followed`);
      assert.equal(await readChartFile(out, long), 'kind: ConfigMap\n', format);
    }
  });

  // Each archive an attacker could publish in a chart repository, and the entry and reason it is refused for.
  const hostile: Array<[string, FixtureEntry[], string, RegExp]> = [
    ['a symbolic link to /etc/passwd', [{ name: 'hello/templates/leak.yaml', type: '2', link: '/etc/passwd' }],
      'hello/templates/leak.yaml', /symbolic link to "\/etc\/passwd", outside the chart/],
    ['a symbolic link that climbs out with ..', [{ name: 'hello/values-prod.yaml', type: '2', link: '../../../var/run/secrets/token' }],
      'hello/values-prod.yaml', /outside the chart/],
    ['a symbolic link into another top-level directory', [{ name: 'hello/x.yaml', type: '2', link: '../other/x.yaml' }],
      'hello/x.yaml', /outside the chart/],
    ['a link that leaves through another link (lexically inside)', [
      { name: 'hello/a/b/up', type: '2', link: '../..' }, { name: 'hello/x.yaml', type: '2', link: 'a/b/up/../../etc/passwd' },
    ], 'hello/x.yaml', /outside the chart/],
    ['a symbolic link loop', [{ name: 'hello/a', type: '2', link: 'b' }, { name: 'hello/b', type: '2', link: 'a' }], 'hello/a', /loop/],
    ['a hard link to /etc/passwd', [{ name: 'hello/leak.yaml', type: '1', link: '/etc/passwd' }], 'hello/leak.yaml', /hard link to "\/etc\/passwd", outside/],
    ['a hard link out with ..', [{ name: 'hello/leak.yaml', type: '1', link: 'hello/../../etc/passwd' }], 'hello/leak.yaml', /hard link .* outside/],
    ['an entry named with ../', [{ name: 'hello/../../etc/cron.d/x', data: '* * * * * root id\n' }], 'hello/../../etc/cron.d/x', /climbs out/],
    ['an absolute entry name', [{ name: '/etc/cron.d/x', data: 'x' }], '/etc/cron.d/x', /absolute path/],
    ['a Windows drive name', [{ name: 'c:\\windows\\x', data: 'x' }], 'c:\\windows\\x', /absolute path/],
    ['a file placed through a symbolic link', [{ name: 'hello/t', type: '2', link: 'templates' }, { name: 'hello/t/x.yaml', data: 'x' }],
      'hello/t/x.yaml', /inside "hello\/t", a symbolic link/],
    ['a character device', [{ name: 'hello/dev', type: '3' }], 'hello/dev', /type "3"/],
    ['a FIFO', [{ name: 'hello/fifo', type: '6' }], 'hello/fifo', /type "6"/],
    ['a link replaced by a file of the same name', [{ name: 'hello/x', type: '2', link: 'values.yaml' }, { name: 'hello/x', data: 'x' }],
      'hello/x', /appears twice/],
    ['a pax header that renames the next entry out', [{ name: 'PaxHeader', type: 'x', records: { path: '../escape.yaml' } }, { name: 'hello/ok.yaml', data: 'x' }],
      '../escape.yaml', /climbs out/],
    ['a pax link target out', [{ name: 'PaxHeader', type: 'x', records: { linkpath: '/etc/shadow' } }, { name: 'hello/ok', type: '2', link: 'values.yaml' }],
      'hello/ok', /symbolic link to "\/etc\/shadow"/],
    ['GNU sparse pax records', [{ name: 'PaxHeader', type: 'x', records: { 'GNU.sparse.name': '../x' } }, { name: 'hello/s', data: 'x' }],
      '', /GNU\.sparse\.name/],
  ];
  for (const [what, entries, path, reason] of hostile) {
    it(`refuses ${what}`, async () => {
      const problem = await problemOf(chartTgz(entries));
      assert.ok(problem, 'refused');
      assert.equal(problem.path, path);
      assert.match(problem.problem, reason);
    });
  }

  it('refuses more than 10,000 entries and more than 50 MiB of files, reading no further', async () => {
    const many = Array.from({ length: 10_001 }, (_, i): FixtureEntry => ({ name: `hello/templates/f${i}.yaml`, data: '' }));
    const tooMany = await problemOf(tarGz(many));
    assert.deepEqual(tooMany, { path: 'hello/templates/f10000.yaml', problem: 'makes the chart hold more than 10000 entries' });
    const big = await problemOf(chartTgz([{ name: 'hello/big.bin', size: 50 * 1024 * 1024 + 1 }]));
    assert.deepEqual(big, { path: 'hello/big.bin', problem: 'makes the chart larger than 50 MiB unpacked' });
  });

  it('bounds the gunzipped stream itself, whatever the headers declare', async () => {
    const meta = { name: 'PaxHeader', type: 'x', records: { comment: 'z'.repeat(20_000) } } as const;
    const { problem } = await inspectChartArchive(archive(chartTgz([meta, { name: 'hello/x', data: 'x' }])), { maxBytes: 1000, maxEntries: 5 });
    assert.deepEqual(problem, { path: '', problem: 'unpacks to more than 1000 bytes' });
  });

  it('refuses a file that is not gzip, and gzip that is not tar', async () => {
    assert.match((await problemOf(Buffer.from('<html>not found</html>')))?.problem ?? '', /not a valid gzip file/);
    assert.match((await problemOf(gzipSync(Buffer.alloc(2048, 7))))?.problem ?? '', /not a valid tar archive/);
    const tar = gunzipSync(chartTgz());
    assert.match((await problemOf(gzipSync(tar.subarray(0, 700))))?.problem ?? '', /ends in the middle of an entry/);
    const gz = chartTgz();
    assert.match((await problemOf(gz.subarray(0, gz.length - 20)))?.problem ?? '', /not a valid gzip file: unexpected end of file/);
  });
});

describe('readChartFile in an archive', () => {
  it('follows links that stay in the chart and refuses one that leaves it, without unpacking', async () => {
    const inside = [{ name: 'hello/conf/prod.yaml', data: 'replicas: 3\n' }, { name: 'hello/prod', type: '2', link: 'conf' }] as const;
    const path = archive(chartTgz(inside));
    assert.equal(await readChartFile(path, 'prod/prod.yaml'), 'replicas: 3\n');
    assert.equal(await readChartFile(path, 'missing.yaml'), undefined);
    const leaking = archive(chartTgz([...inside, { name: 'hello/leak.yaml', type: '2', link: '/etc/hostname' }]));
    for (const file of ['leak.yaml', 'prod/prod.yaml']) {
      await assert.rejects(readChartFile(leaking, file, 'spec.valuesFrom[0].chartFileRef.path'), (err: unknown) => {
        assert.ok(err instanceof StallingError, String(err));
        assert.equal(err.field, 'spec.valuesFrom[0].chartFileRef.path');
        assert.match(err.message, new RegExp(`"${file}" is not read: the chart archive is unsafe \\("hello/leak.yaml" is a symbolic link`));
        return true;
      }, `${file}: an archive with a link out is not read at all`);
    }
    assert.deepEqual(readdirSync(root).filter((n) => n.endsWith('.d')), [], 'nothing unpacked beside the archive');
  });
});

describe('downloadChart', () => {
  it('stalls on spec.chart.name naming the entry, and caches nothing, for a chart archive with a link to /etc/passwd', async () => {
    const bytes = chartTgz([{ name: 'hello/templates/leak.yaml', type: '2', link: '/etc/passwd' }]);
    const server = await startRepoServer(serveFiles({ '/charts/hello-1.2.0.tgz': bytes }));
    const cacheDir = mkdtempSync(join(root, 'cache-'));
    try {
      const network = networkAccess({ ...SECURE_DEFAULTS, allowPrivateNetworks: true });
      const error = await downloadChart(new URL(`${server.origin}/charts/hello-1.2.0.tgz`), { cacheDir, network }).catch((e: unknown) => e);
      assert.ok(error instanceof StallingError, `not a StallingError: ${String(error)}`);
      assert.equal(error.reason, 'ChartFetchFailed');
      assert.equal(error.field, 'spec.chart.name');
      assert.match(error.message, /its entry "hello\/templates\/leak\.yaml" is a symbolic link to "\/etc\/passwd", outside the chart/);
      assert.deepEqual(readdirSync(cacheDir).filter((n) => n !== CACHE_KEY_FILE), []);
    } finally {
      await server.close();
    }
  });
});
