import type { HelmReleaseStatus } from '../apis/helm.fluxcd.io/v1/helmrelease.ts';

type Digests = Pick<HelmReleaseStatus, 'lastAppliedDigest' | 'lastAttemptedDigest'>;

// The status patch that replaces digests recorded in the plain (pre-HMAC) form by their HMAC, where they name the
// same inputs as now; undefined when nothing is to replace. A release last applied by an older Capstan is then
// in sync, not upgraded once more, and its status stops holding a digest anyone could test guesses against.
export function legacyDigestPatch(recorded: Digests, digest: string, legacy: string): Digests | undefined {
  const patch: Digests = {};
  if (recorded.lastAppliedDigest === legacy) patch.lastAppliedDigest = digest;
  if (recorded.lastAttemptedDigest === legacy) patch.lastAttemptedDigest = digest;
  return Object.keys(patch).length > 0 ? patch : undefined;
}

