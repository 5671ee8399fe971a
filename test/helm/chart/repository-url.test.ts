import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StallingError } from '../../../src/errors/stalling-error.ts';
import { indexUrlOf, parseRepositoryUrl, resolveChartUrl, sameOrigin } from '../../../src/helm/chart/repository-url.ts';

describe('parseRepositoryUrl', () => {
  it('moves user:password out of the URL', () => {
    const { url, auth } = parseRepositoryUrl('https://me:p%40ss@charts.example.com/stable');
    assert.equal(url.href, 'https://charts.example.com/stable');
    assert.deepEqual(auth, { username: 'me', password: 'p@ss' });
  });

  const refused: Array<[string, RegExp]> = [
    ['oci://u:s3cret@ghcr.io/org/charts', /oci:\/\/ghcr\.io\/org\/charts is an OCI registry: OCI charts are pulled by helm itself/],
    ['ftp://u:s3cret@example.com/charts', /unsupported scheme "ftp:" in ftp:\/\/example\.com\/charts/],
    ['charts.example.com/stable', /"charts\.example\.com\/stable" is not a URL/],
  ];
  for (const [repository, message] of refused) {
    it(`stalls on spec.chart.repository for ${repository.replace('u:s3cret@', '')}, without the password`, () => {
      assert.throws(() => parseRepositoryUrl(repository), (error: unknown) => {
        assert.ok(error instanceof StallingError);
        assert.equal(error.field, 'spec.chart.repository');
        assert.match(error.message, message);
        assert.doesNotMatch(error.message, /s3cret/);
        return true;
      });
    });
  }
});

describe('indexUrlOf', () => {
  const cases: Array<[string, string]> = [
    ['https://charts.example.com', 'https://charts.example.com/index.yaml'],
    ['https://charts.example.com/stable/', 'https://charts.example.com/stable/index.yaml'],
    ['https://charts.example.com/stable?token=t', 'https://charts.example.com/stable/index.yaml?token=t'],
  ];
  for (const [repository, index] of cases) it(`${repository} → ${index}`, () => assert.equal(indexUrlOf(new URL(repository)).href, index));
});

describe('resolveChartUrl, as Helm resolves index URLs', () => {
  const cases: Array<[string, string, string]> = [
    ['https://h/charts', 'hello-1.0.0.tgz', 'https://h/charts/hello-1.0.0.tgz'],
    ['https://h/charts/', 'hello-1.0.0.tgz', 'https://h/charts/hello-1.0.0.tgz'],
    ['https://h/charts', 'sub/hello-1.0.0.tgz', 'https://h/charts/sub/hello-1.0.0.tgz'],
    ['https://h/charts', '/other/hello-1.0.0.tgz', 'https://h/other/hello-1.0.0.tgz'],
    ['https://h/charts?t=1', 'hello-1.0.0.tgz', 'https://h/charts/hello-1.0.0.tgz?t=1'],
    ['https://h/charts', 'https://cdn.example.com/hello-1.0.0.tgz', 'https://cdn.example.com/hello-1.0.0.tgz'],
  ];
  for (const [repository, ref, resolved] of cases) {
    it(`${ref} in ${repository} → ${resolved}`, () => assert.equal(resolveChartUrl(new URL(repository), ref).href, resolved));
  }
});

describe('sameOrigin', () => {
  const cases: Array<[string, string, boolean]> = [
    ['https://h/charts', 'https://h/x.tgz', true],
    ['https://h:443/charts', 'https://h/x.tgz', true],
    ['https://h/charts', 'http://h/x.tgz', false],
    ['https://h/charts', 'https://h:8443/x.tgz', false],
    ['https://h/charts', 'https://cdn.h/x.tgz', false],
  ];
  for (const [a, b, same] of cases) it(`${a} and ${b}: ${same}`, () => assert.equal(sameOrigin(new URL(a), new URL(b)), same));
});
