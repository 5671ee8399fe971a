// What Capstan tells people about: a release that fails, recovers or is rolled back; a sync that fails or recovers.
export const NoticeKind = {
  ReleaseFailed: 'release-failed',
  ReleaseRecovered: 'release-recovered',
  ReleaseRolledBack: 'release-rolled-back',
  SyncFailed: 'sync-failed',
  SyncRecovered: 'sync-recovered',
} as const;
export type NoticeKind = (typeof NoticeKind)[keyof typeof NoticeKind];

// One notification: what happened, to which object (a HelmRelease, or a Git source by name), why, when. The
// message is the Event's: reason and error text, never values or credentials.
export interface Notice {
  kind: NoticeKind;
  object: { kind: 'HelmRelease' | 'GitSource'; namespace?: string; name: string };
  reason: string;
  message: string;
  at: string; // RFC 3339
}

// Whether a notice is bad news (red in Slack) or good.
export function isFailure(kind: NoticeKind): boolean {
  return kind === NoticeKind.ReleaseFailed || kind === NoticeKind.SyncFailed;
}
