import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchRepository, normaliseRepositoryUrl } from '../../../src/helm/chart/match-repository.ts';

describe('matchRepository: spec.chart.repository finds its repositories.yaml entry by URL, as the Helm Operator did', () => {
  const entries = [
    { name: 'stable', url: 'https://charts.example.com/stable' },
    { name: 'root', url: 'https://charts.example.com' },
    { name: 'port', url: 'http://127.0.0.1:8080/charts/' },
    { name: 'query', url: 'https://charts.example.com/q?token=1' },
    { name: 'stable-again', url: 'https://charts.example.com/stable/' },
  ];
  const cases: Array<[string, string, string | undefined]> = [
    ['the same URL', 'https://charts.example.com/stable', 'stable'],
    ['a trailing slash', 'https://charts.example.com/stable/', 'stable'],
    ['doubled slashes and dot segments', 'https://charts.example.com//x/../stable/./', 'stable'],
    ['upper-case scheme and host', 'HTTPS://Charts.Example.COM/stable', 'stable'],
    ['the default port written out', 'https://charts.example.com:443/stable', 'stable'],
    ['user info in the spec is not part of the match', 'https://u:p@charts.example.com/stable', 'stable'],
    ['an empty path is /', 'https://charts.example.com', 'root'],
    ['a root with a slash', 'https://charts.example.com/', 'root'],
    ['a port and a path', 'http://127.0.0.1:8080/charts', 'port'],
    ['the query is part of the repository', 'https://charts.example.com/q?token=1', 'query'],
    ['another query is another repository', 'https://charts.example.com/q?token=2', undefined],
    ['another scheme', 'http://charts.example.com/stable', undefined],
    ['another port', 'http://127.0.0.1:8081/charts', undefined],
    ['the path is case-sensitive', 'https://charts.example.com/Stable', undefined],
    ['a sub-path is another repository', 'https://charts.example.com/stable/incubator', undefined],
    ['not a URL', 'charts.example.com/stable', undefined],
    ['empty', '', undefined],
  ];
  for (const [what, repository, expected] of cases) {
    it(`${what}: ${repository || '""'} → ${expected ?? 'no entry'}`, () => {
      assert.equal(matchRepository(entries, repository)?.name, expected);
    });
  }

  it('the first entry wins when two name the same repository', () => {
    assert.equal(matchRepository(entries, 'https://charts.example.com/stable')?.name, 'stable');
  });

  it('an entry whose url is not a URL matches nothing', () => {
    assert.equal(matchRepository([{ url: 'not a url' }], 'not a url'), undefined);
    assert.equal(normaliseRepositoryUrl('https://charts.example.com/a/b/'), 'https://charts.example.com/a/b');
  });
});
