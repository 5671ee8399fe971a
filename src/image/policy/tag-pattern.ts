import semver from 'semver';
import { parseVersionConstraint } from '../../semver-constraint.ts';

// How a tag filter orders the tags it admits: semver by version, glob and regex by image creation time.
export const PatternKind = { glob: 'glob', semver: 'semver', regex: 'regex' } as const;
export type PatternKind = (typeof PatternKind)[keyof typeof PatternKind];

// A parsed `fluxcd.io/tag.<container>` / `filter.fluxcd.io/<container>` value.
export interface TagPattern { kind: PatternKind; source: string; matches(tag: string): boolean }

// A filter that is not valid; `value` is the annotation value, for the caller to name with its key.
export class InvalidTagPattern extends Error {
  override name = 'InvalidTagPattern';
}

const SEMVER_TAG = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

// A tag read as a version the way fluxd's semver library did: a leading `v` and missing minor/patch allowed
// (`v1.2` is 1.2.0); undefined when it is no version at all.
export function tagVersion(tag: string): semver.SemVer | undefined {
  const m = SEMVER_TAG.exec(tag);
  if (!m) return undefined;
  return semver.parse(`${m[1]}.${m[2] ?? '0'}.${m[3] ?? '0'}${m[4] ?? ''}${m[5] ?? ''}`) ?? undefined;
}

// fluxd's glob (ryanuber/go-glob): only `*`, anchored at both ends, spaces significant.
export function globMatcher(pattern: string): (tag: string) => boolean {
  const parts = pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(`^${parts.join('.*')}$`, 's');
  return (tag) => re.test(tag);
}

// Parses a tag filter: `glob:…`, `semver:…`, `regex:…`/`regexp:…`, a bare pattern being a glob. The tag `latest`
// never matches unless the filter is exactly `glob:latest` (or `latest`). Semver filters admit pre-releases only
// when the range names one (`>=1.2.3-0`), and never a tag that is not a version. An unanchored regex is kept as
// written (users anchor it with ^…$, as in fluxd); an invalid one is refused rather than matching everything.
export function parseTagPattern(value: string): TagPattern {
  const colon = value.indexOf(':');
  const prefix = colon > 0 ? value.slice(0, colon) : '';
  const body = ['glob', 'semver', 'regex', 'regexp'].includes(prefix) ? value.slice(colon + 1) : value;
  const kind: PatternKind = prefix === 'semver' ? PatternKind.semver : prefix === 'regex' || prefix === 'regexp' ? PatternKind.regex : PatternKind.glob;
  const latestAllowed = kind === PatternKind.glob && body === 'latest';
  let test: (tag: string) => boolean;
  if (kind === PatternKind.semver) {
    const constraint = parseVersionConstraint(body);
    if (constraint === undefined) throw new InvalidTagPattern(`"${value}" is not a semver range`);
    test = (tag) => {
      const v = tagVersion(tag);
      return v !== undefined && constraint.test(v);
    };
  } else if (kind === PatternKind.regex) {
    let re: RegExp;
    try {
      re = new RegExp(body);
    } catch {
      throw new InvalidTagPattern(`"${value}" is not a valid regular expression`);
    }
    test = (tag) => re.test(tag);
  } else {
    test = globMatcher(body);
  }
  return { kind, source: value, matches: (tag) => (tag === 'latest' ? latestAllowed : test(tag)) };
}
