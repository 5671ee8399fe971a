// A repository URL as it is compared, after the normalisation Helm's urlutil.Equal applies (an empty path is
// `/`, the path cleaned: duplicate and trailing slashes, `.` and `..` removed), plus what WHATWG URL parsing does
// (scheme and host lower-case, the default port dropped). User info and fragment are left out; the query stays.
// Undefined for text that is not a URL.
export function normaliseRepositoryUrl(text: string): string | undefined {
  const url = URL.parse(text.trim());
  if (!url?.host) return undefined;
  const parts: string[] = [];
  for (const part of url.pathname.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `${url.protocol}//${url.host}/${parts.join('/')}${url.search}`;
}

// The first entry whose URL names the same repository as spec.chart.repository (normaliseRepositoryUrl on
// both), as the Helm Operator looked a chart's repository up in repositories.yaml; undefined when none does.
export function matchRepository<T extends { url: string }>(entries: readonly T[], repository: string): T | undefined {
  const wanted = normaliseRepositoryUrl(repository);
  if (wanted === undefined) return undefined;
  return entries.find((entry) => normaliseRepositoryUrl(entry.url) === wanted);
}
