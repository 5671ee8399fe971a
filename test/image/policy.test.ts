import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectLatestTag } from '../../src/image/policy/select-tag.ts';
import { InvalidTagPattern, parseTagPattern, tagVersion } from '../../src/image/policy/tag-pattern.ts';

describe('tag filters, as fluxd read them', () => {
  // [filter, tag, admitted]
  const table: Array<[string, string, boolean]> = [
    ['glob:*', '1.2.3', true],
    ['*', 'anything', true],
    ['glob:*', 'latest', false], // latest only when asked for by name
    ['glob:latest', 'latest', true],
    ['latest', 'latest', true],
    ['glob:master-*', 'master-abc123', true],
    ['glob:master-*', 'main-abc123', false],
    ['glob:1.2.*', '1.2.x', true],
    ['glob:1.2.*', '1.20', false], // `.` is literal
    ['glob:a *', 'a b', true], // space-sensitive
    ['semver:~1.2', '1.2.9', true],
    ['semver:~1.2', '1.3.0', false],
    ['semver:~1.2', 'v1.2.4', true], // a leading v is a version
    ['semver:*', '2.0.0-rc.1', false], // no pre-releases unless the range names one
    ['semver:>=1.2.3-0', '1.3.0-rc.1', true],
    ['semver:>=1.0.0, <2.0.0', '1.4.0', true], // Masterminds: a comma joins constraints
    ['semver:>=1.0.0, !=1.4.0', '1.4.0', false],
    ['semver:*', 'not-a-version', false],
    ['semver:^1', '1.4', true], // 1.4 reads as 1.4.0
    ['regex:^v\\d+$', 'v12', true],
    ['regexp:^v\\d+$', 'v12-rc', false],
    ['regex:rc', 'v1-rc1', true], // unanchored, as written
  ];
  for (const [filter, tag, admitted] of table) {
    it(`${filter} ${admitted ? 'admits' : 'refuses'} ${tag}`, () => assert.equal(parseTagPattern(filter).matches(tag), admitted));
  }

  it('refuses an invalid semver range or regular expression (fluxd would have matched everything)', () => {
    assert.throws(() => parseTagPattern('semver:not a range'), InvalidTagPattern);
    assert.throws(() => parseTagPattern('regex:(unclosed'), InvalidTagPattern);
  });

  it('reads versions with missing parts', () => {
    assert.equal(tagVersion('v1.2')?.version, '1.2.0');
    assert.equal(tagVersion('1.2.3-rc.1+build')?.version, '1.2.3-rc.1');
    assert.equal(tagVersion('release-1'), undefined);
  });
});

describe('selectLatestTag', () => {
  const at = (s: string) => new Date(`2026-01-0${s}T00:00:00Z`);
  it('orders semver filters by version, the longer tag winning a tie', () => {
    const tags = ['1.9.0', '1.10', '1.10.0', '1.2.0', 'latest', 'garbage'].map((tag) => ({ tag }));
    assert.equal(selectLatestTag(parseTagPattern('semver:^1'), tags).latest, '1.10.0');
  });

  it('orders glob and regex filters by creation time, ties by tag', () => {
    const tags = [{ tag: 'master-a', created: at('1') }, { tag: 'master-c', created: at('3') }, { tag: 'master-b', created: at('3') }, { tag: 'dev-z', created: at('9') }];
    assert.equal(selectLatestTag(parseTagPattern('glob:master-*'), tags).latest, 'master-c');
    assert.equal(selectLatestTag(parseTagPattern('regex:^master-[ab]$'), tags).latest, 'master-b');
  });

  it('skips a tag without a creation time with a reason, instead of blocking the choice', () => {
    const got = selectLatestTag(parseTagPattern('glob:*'), [{ tag: 'new' }, { tag: 'zero', created: new Date(0) }, { tag: 'old', created: at('1') }]);
    assert.equal(got.latest, 'old');
    assert.deepEqual(got.skipped.map((s) => s.tag), ['new', 'zero']);
    assert.match(got.skipped[0]?.reason ?? '', /no creation time/);
  });

  it('chooses nothing when the filter admits nothing', () => {
    assert.equal(selectLatestTag(parseTagPattern('semver:>5'), [{ tag: '1.0.0' }]).latest, undefined);
  });
});
