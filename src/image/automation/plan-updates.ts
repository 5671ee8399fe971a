import { InvalidImageRef, parseImageRef, repositoryName, withTag, type ImageRef } from '../image-ref.ts';
import { globMatcher, InvalidTagPattern, parseTagPattern, PatternKind, type TagPattern } from '../policy/tag-pattern.ts';
import { selectLatestTag, type TagInfo } from '../policy/select-tag.ts';
import { policyOf } from '../workload/policy.ts';
import type { ContainerImage, Workload } from '../workload/workload.ts';
import { releaseKey } from './release-history.ts';

// A workload as read from Git, with the file it is written in.
export interface WorkloadInGit { workload: Workload; file: string }

// One container of an automated workload, ready to be matched against its repository's tags.
export interface Candidate { workload: Workload; file: string; container: ContainerImage; pattern: TagPattern; ref: ImageRef; repository: string }

// A container left as it is, and why (shown in logs and, later, by the API).
export interface Skipped { workload: string; container: string; reason: string }

// What a scan knows of a repository: its tags with creation times where fetched, the tags whose metadata is
// still to be fetched, or why it could not be read.
export interface RepositoryScan { tags: TagInfo[]; pending: ReadonlySet<string>; error?: string }

// One image to write: container `container` of `workload` goes from `current` to `image`.
export interface PlannedUpdate { workload: Workload; file: string; container: string; current: string; image: string; repository: string; tag: string }

// Which repositories are scanned: fluxd's --registry-include-image / --registry-exclude-image globs, matched
// against the name as written and its canonical forms (docker.io/library/x, index.docker.io/library/x).
export function imageFilter(include: readonly string[], exclude: readonly string[]): (written: string, ref: ImageRef) => boolean {
  const inc = include.map(globMatcher);
  const exc = exclude.map(globMatcher);
  return (written, ref) => {
    const bare = written.replace(/@.*$/, '').replace(/:[^:/]*$/, '');
    const names = [bare, repositoryName(ref), ...(ref.domain === 'docker.io' ? [`index.docker.io/${ref.path}`] : [])];
    const hit = (globs: Array<(s: string) => boolean>) => globs.some((g) => names.some((n) => g(n)));
    return (inc.length === 0 || hit(inc)) && !hit(exc);
  };
}

// The containers automation looks after: those of workloads marked `fluxcd.io/automated: "true"` and neither
// locked nor ignored, with a valid filter and image, and an image the include/exclude globs let through.
export function automatedContainers(workloads: readonly WorkloadInGit[], scanned: (written: string, ref: ImageRef) => boolean): { candidates: Candidate[]; skipped: Skipped[] } {
  const candidates: Candidate[] = [];
  const skipped: Skipped[] = [];
  for (const { workload, file } of workloads) {
    const policy = policyOf(workload.annotations);
    if (!policy.automated || policy.locked || policy.ignore) continue;
    for (const container of workload.containers) {
      const skip = (reason: string) => skipped.push({ workload: workload.id, container: container.name, reason });
      let pattern: TagPattern;
      let ref: ImageRef;
      try {
        pattern = parseTagPattern(policy.filters[container.name] ?? 'glob:*');
        ref = parseImageRef(container.image);
      } catch (err) {
        if (!(err instanceof InvalidTagPattern || err instanceof InvalidImageRef)) throw err;
        skip(err instanceof InvalidTagPattern ? `tag filter for container ${container.name}: ${err.message}` : err.message);
        continue;
      }
      if (!scanned(container.image, ref)) {
        skip('image excluded from scanning (--registry-include-image / --registry-exclude-image)');
        continue;
      }
      candidates.push({ workload, file, container, pattern, ref, repository: repositoryName(ref) });
    }
  }
  return { candidates, skipped };
}

// Decides the updates, as fluxd's automation did: the newest tag the filter admits, when it differs from the
// tag in Git. A container waits (skipped, with the reason) while its repository could not be read or a time-
// ordered filter still lacks metadata for a tag it admits; a tag without a creation time is passed over with a
// reason. An update Capstan already made once (`released`) that Git no longer has was reverted by someone: it is
// held until a newer tag appears.
export function planUpdates(candidates: readonly Candidate[], scans: (repository: string) => RepositoryScan | undefined, released: ReadonlySet<string>): { updates: PlannedUpdate[]; skipped: Skipped[] } {
  const updates: PlannedUpdate[] = [];
  const skipped: Skipped[] = [];
  for (const c of candidates) {
    const skip = (reason: string) => skipped.push({ workload: c.workload.id, container: c.container.name, reason });
    const scan = scans(c.repository);
    if (!scan || scan.error !== undefined) {
      skip(`repository ${c.repository} not scanned${scan?.error ? `: ${scan.error}` : ' yet'}`);
      continue;
    }
    if (c.pattern.kind !== PatternKind.semver) {
      const waiting = scan.tags.filter((t) => scan.pending.has(t.tag) && c.pattern.matches(t.tag)).length;
      if (waiting > 0) {
        skip(`metadata of ${waiting} tag(s) of ${c.repository} not fetched yet`);
        continue;
      }
    }
    const selection = selectLatestTag(c.pattern, scan.tags);
    for (const s of selection.skipped) skip(`tag ${s.tag}: ${s.reason}`);
    const current = c.ref.tag ?? 'latest';
    if (selection.latest === undefined || selection.latest === current) continue;
    const image = withTag(c.container.image, selection.latest);
    if (released.has(releaseKey(c.workload.id, c.container.name, image))) {
      skip(`held at ${current}: ${image} was released before and then changed in Git; waiting for a newer tag`);
      continue;
    }
    updates.push({ workload: c.workload, file: c.file, container: c.container.name, current: c.container.image, image, repository: c.repository, tag: selection.latest });
  }
  return { updates, skipped };
}
