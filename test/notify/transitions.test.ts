import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NoticeKind } from '../../src/notify/notice.ts';
import { releaseNotice, syncNotice, type ReadyBefore, type SyncHealth } from '../../src/notify/transitions.ts';

describe('releaseNotice', () => {
  const table: Array<[string, ReadyBefore, NoticeKind | undefined]> = [
    ['FailedReleaseSync', undefined, NoticeKind.ReleaseFailed], // a first install that fails
    ['FailedReleaseSync', 'True', NoticeKind.ReleaseFailed],
    ['FailedReleaseSync', 'Unknown', NoticeKind.ReleaseFailed],
    ['FailedReleaseSync', 'False', undefined], // a retry that fails again says nothing
    ['RollbackFailed', 'True', NoticeKind.ReleaseFailed],
    ['RollbackFailed', 'False', undefined],
    ['ReleaseSynced', 'False', NoticeKind.ReleaseRecovered],
    ['ReleaseSynced', 'True', undefined],
    ['ReleaseSynced', undefined, undefined], // a first install that works is no news
    ['Adopted', 'False', NoticeKind.ReleaseRecovered],
    ['RolledBack', 'True', NoticeKind.ReleaseRolledBack],
    ['RolledBack', 'False', NoticeKind.ReleaseRolledBack],
    ['Installing', undefined, undefined],
    ['UpgradeFailed', 'True', undefined], // told by the reconcile's end (FailedReleaseSync), not twice
    ['TestSucceeded', 'False', undefined],
  ];
  for (const [reason, before, want] of table) it(`${reason} with Ready ${before ?? 'unset'} → ${want ?? 'nothing'}`, () => assert.equal(releaseNotice(reason, before), want));
});

describe('syncNotice', () => {
  const table: Array<[SyncHealth, 'ok' | 'failing', NoticeKind | undefined]> = [
    [undefined, 'ok', undefined],
    [undefined, 'failing', NoticeKind.SyncFailed],
    ['ok', 'failing', NoticeKind.SyncFailed],
    ['failing', 'failing', undefined],
    ['failing', 'ok', NoticeKind.SyncRecovered],
    ['ok', 'ok', undefined],
  ];
  for (const [before, now, want] of table) it(`${before ?? 'unknown'} → ${now}: ${want ?? 'nothing'}`, () => assert.equal(syncNotice(before, now), want));
});
