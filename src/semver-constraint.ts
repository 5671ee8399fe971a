import semver from 'semver';

// A version constraint in the syntax helm and fluxd accept (Masterminds/semver): `,` and spaces join
// constraints (and), `||` separates alternatives (or), `!=` excludes a version (a partial one such as `!=1.2`
// excludes 1.2.x); the rest is read as node-semver reads it (`~`, `^`, `x`, hyphen ranges, comparisons).
export interface VersionConstraint {
  source: string;
  // Whether `version` satisfies the constraint; pre-releases only when an alternative names one.
  test(version: semver.SemVer | string): boolean;
}

interface Alternative { range: string; excluded: string[]; includePrerelease: boolean }

const NOT_EQUAL = /!=\s*(v?[0-9xX*]+(?:\.[0-9xX*]+){0,2}(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)/g;

function alternative(text: string): Alternative | undefined {
  const excluded: string[] = [];
  const rest = text.replace(NOT_EQUAL, (_m, v: string) => { excluded.push(v); return ' '; }).replaceAll(',', ' ').trim();
  if (rest.includes('!')) return undefined;
  const range = semver.validRange(rest === '' ? '*' : rest);
  if (range === null || excluded.some((v) => semver.validRange(v) === null)) return undefined;
  return { range, excluded, includePrerelease: text.includes('-') && /\d-[0-9A-Za-z]/.test(text) };
}

// Parses a constraint; undefined when it is not one (the caller names the field).
export function parseVersionConstraint(source: string): VersionConstraint | undefined {
  const trimmed = source.trim();
  if (trimmed === '') return undefined;
  const alternatives: Alternative[] = [];
  for (const part of trimmed.split('||')) {
    const alt = alternative(part);
    if (!alt) return undefined;
    alternatives.push(alt);
  }
  return {
    source,
    test: (version) => alternatives.some((a) => semver.satisfies(version, a.range, { includePrerelease: a.includePrerelease })
      && !a.excluded.some((x) => semver.satisfies(version, x, { includePrerelease: true }))),
  };
}

// The newest of `versions` (valid semver strings) that satisfies the constraint, or undefined.
export function newestSatisfying(versions: readonly string[], constraint: VersionConstraint): string | undefined {
  return versions.filter((v) => semver.valid(v) !== null && constraint.test(v)).sort(semver.rcompare)[0];
}
