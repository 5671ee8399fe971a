import semver from 'semver';
import { PatternKind, tagVersion, type TagPattern } from './tag-pattern.ts';

// One tag of a repository, with its image's creation time when known.
export interface TagInfo { tag: string; created?: Date | undefined }

// The newest admitted tag, and the tags passed over with why (so a tag without a timestamp does not block the
// workload: it is skipped and reported).
export interface Selection { latest?: string; skipped: Array<{ tag: string; reason: string }> }

// Picks the newest tag a filter admits, as fluxd ordered them: semver by version (equal versions: the longer tag,
// e.g. 1.10.0 over 1.10), glob and regex by creation time (ties: the lexically greater tag). For time-ordered
// filters a tag without a creation time is skipped with a reason instead of stopping the choice.
export function selectLatestTag(pattern: TagPattern, tags: readonly TagInfo[]): Selection {
  const admitted = tags.filter((t) => pattern.matches(t.tag));
  const skipped: Selection['skipped'] = [];
  if (pattern.kind === PatternKind.semver) {
    const sorted = [...admitted].sort((a, b) => {
      const byVersion = semver.rcompare(tagVersion(a.tag) ?? '0.0.0', tagVersion(b.tag) ?? '0.0.0');
      return byVersion !== 0 ? byVersion : b.tag.length - a.tag.length;
    });
    return { latest: sorted[0]?.tag, skipped };
  }
  const timed = admitted.filter((t) => {
    const ok = t.created !== undefined && t.created.getTime() > 0;
    if (!ok) skipped.push({ tag: t.tag, reason: 'image has no creation time; a time-ordered filter cannot place it' });
    return ok;
  });
  timed.sort((a, b) => (b.created?.getTime() ?? 0) - (a.created?.getTime() ?? 0) || (a.tag < b.tag ? 1 : a.tag > b.tag ? -1 : 0));
  return { latest: timed[0]?.tag, skipped };
}
