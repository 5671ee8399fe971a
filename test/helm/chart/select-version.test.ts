import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StallingError } from '../../../src/errors/stalling-error.ts';
import type { ChartVersion, RepositoryIndex } from '../../../src/helm/chart/parse-index.ts';
import { selectChartVersion } from '../../../src/helm/chart/select-version.ts';

const listed = (name: string, ...versions: string[]): ChartVersion[] =>
  versions.map((version) => ({ name, version, urls: [`${name}-${version}.tgz`] }));

const index: RepositoryIndex = {
  apiVersion: 'v1',
  entries: new Map([
    ['hello', listed('hello', '2.0.0', '1.2.0', '1.0.0', '1.3.0-rc.1', '0.9.0', '0.1.0', 'v3.0.0')],
    ['odd', listed('odd', 'latest', '1.0')],
  ]),
};

describe('selectChartVersion', () => {
  const picks: Array<[string, string, string]> = [
    // [why, spec, picked]
    ['an exact version', '1.0.0', '1.0.0'],
    ['an exact version, spaces trimmed', ' 1.2.0 ', '1.2.0'],
    ['an exact pre-release', '1.3.0-rc.1', '1.3.0-rc.1'],
    ['the newest inside a range', '>=1.0.0 <2.0.0', '1.2.0'],
    ['a caret range', '^1.0.0', '1.2.0'],
    ['a tilde range', '~0.9', '0.9.0'],
    ['an x-range', '0.x', '0.9.0'],
    ['the newest release for *', '*', 'v3.0.0'],
    ['a pre-release when the range names one', '>=1.3.0-rc.0 <1.4.0', '1.3.0-rc.1'],
    ['a v-prefixed version by its semver value', '3.0.0', 'v3.0.0'],
    ['a comma-joined range (Masterminds, as helm)', '>=1.0.0, <2.0.0', '1.2.0'],
    ['the newest not excluded by !=', '>=0.9.0, !=1.2.0, <2.0.0', '1.0.0'],
  ];
  for (const [why, spec, picked] of picks) {
    it(`picks ${why}: "${spec}" → ${picked}`, () => {
      assert.equal(selectChartVersion(index, 'hello', spec).version, picked);
    });
  }

  it('matches a version that is not semver only exactly', () => {
    assert.equal(selectChartVersion(index, 'odd', 'latest').version, 'latest');
  });

  it('returns the whole entry, URLs included', () => {
    assert.deepEqual(selectChartVersion(index, 'hello', '1.2.0'), { name: 'hello', version: '1.2.0', urls: ['hello-1.2.0.tgz'] });
  });

  const stalls: Array<[string, string, string, string, RegExp]> = [
    // [why, chart, spec, field, message]
    ['the chart is not in the index', 'nope', '1.0.0', 'spec.chart.name', /chart "nope" is not in the repository index/],
    ['no version matches', 'hello', '>=5.0.0', 'spec.chart.version',
      /no version of chart "hello" matches ">=5\.0\.0"; newest available: v3\.0\.0, 2\.0\.0, 1\.3\.0-rc\.1, 1\.2\.0, 1\.0\.0$/],
    ['an exact version is missing', 'hello', '1.1.0', 'spec.chart.version', /no version of chart "hello" matches "1\.1\.0"/],
    ['pre-releases are outside a plain range', 'hello', '>1.2.0 <2.0.0', 'spec.chart.version', /matches ">1\.2\.0 <2\.0\.0"/],
    ['the spec is not a range', 'hello', 'one point two', 'spec.chart.version', /"one point two" is neither a version .* nor a semver range/],
  ];
  for (const [why, chart, spec, field, message] of stalls) {
    it(`stalls on ${field} when ${why}`, () => {
      assert.throws(() => selectChartVersion(index, chart, spec), (error: unknown) => {
        assert.ok(error instanceof StallingError);
        assert.equal(error.reason, 'ChartFetchFailed');
        assert.equal(error.field, field);
        assert.match(error.message, message);
        return true;
      });
    });
  }
});
