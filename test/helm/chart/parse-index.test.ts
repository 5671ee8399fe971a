import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StallingError } from '../../../src/errors/stalling-error.ts';
import { parseRepositoryIndex } from '../../../src/helm/chart/parse-index.ts';
import { billionLaughsUnder } from '../../yaml/bombs.ts';

describe('parseRepositoryIndex', () => {
  it('reads the entries Helm writes, skipping versions Helm would skip', () => {
    const index = parseRepositoryIndex([
      'apiVersion: v1',
      'entries:',
      '  hello:',
      '  - name: hello',
      '    version: 0.2.0',
      '    appVersion: 1.0',
      '    created: "2025-01-01T00:00:00Z"',
      '    digest: 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae',
      '    urls: [hello-0.2.0.tgz]',
      '  - name: hello',
      '    version: 0.1.0',
      '    urls: []',
      '  - name: hello',
      '    urls: [no-version.tgz]',
      '  broken: not-a-list',
      'generated: 2025-01-01T00:00:00Z',
    ].join('\n'), 'https://h/index.yaml');
    assert.deepEqual([...index.entries.keys()], ['hello']);
    assert.deepEqual(index.entries.get('hello'), [{
      name: 'hello', version: '0.2.0', urls: ['hello-0.2.0.tgz'], created: '2025-01-01T00:00:00Z',
      digest: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae',
    }]);
  });

  it('refuses an index holding a YAML alias bomb, naming spec.chart.repository and the index', () => {
    const text = `apiVersion: v1\nentries: {}\n${billionLaughsUnder('generated')}`;
    assert.throws(() => parseRepositoryIndex(text, 'https://h/index.yaml'), (error: unknown) =>
      error instanceof StallingError && error.field === 'spec.chart.repository'
      && /^spec\.chart\.repository: the index https:\/\/h\/index\.yaml: too many aliases/.test(error.message));
  });

  it('reads scalars as helm does: an unquoted `version: on` is not a version string', () => {
    const index = parseRepositoryIndex('apiVersion: v1\nentries:\n  a:\n  - {version: on, urls: [a.tgz]}\n  - {version: "on", urls: [b.tgz]}\n', 'x');
    assert.deepEqual(index.entries.get('a')?.map((v) => v.urls[0]), ['b.tgz']);
  });

  it('reads an empty index', () => {
    assert.equal(parseRepositoryIndex('apiVersion: v1\nentries: {}\n', 'x').entries.size, 0);
  });

  const refused: Array<[string, string, RegExp]> = [
    ['an HTML page', '<html><body>login</body></html>', /not a YAML mapping/],
    ['broken YAML', 'apiVersion: v1\nentries: [\n', /invalid YAML/],
    ['an empty body', '', /not a YAML mapping/],
    ['another apiVersion', 'apiVersion: v2\nentries: {}\n', /apiVersion is "v2", not "v1"/],
    ['no apiVersion', 'entries: {}\n', /apiVersion is missing/],
    ['no entries', 'apiVersion: v1\n', /no `entries` mapping/],
  ];
  for (const [what, text, message] of refused) {
    it(`stalls on spec.chart.repository for ${what}`, () => {
      assert.throws(() => parseRepositoryIndex(text, 'https://h/index.yaml'), (error: unknown) => {
        assert.ok(error instanceof StallingError);
        assert.equal(error.field, 'spec.chart.repository');
        assert.match(error.message, /https:\/\/h\/index\.yaml is not a Helm repository index/);
        assert.match(error.message, message);
        return true;
      });
    });
  }
});
