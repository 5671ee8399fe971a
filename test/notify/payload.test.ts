import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deliveryVerdict } from '../../src/notify/delivery-verdict.ts';
import { NoticeKind, type Notice } from '../../src/notify/notice.ts';
import { payloadFor } from '../../src/notify/payload.ts';

const notice: Notice = {
  kind: NoticeKind.ReleaseFailed, object: { kind: 'HelmRelease', namespace: 'team', name: 'web' },
  reason: 'FailedReleaseSync', message: 'synchronization failed: boom', at: '2026-01-02T03:04:05Z',
};

describe('payloadFor', () => {
  it('json: the notice as it is, typed', () => assert.deepEqual(payloadFor('json', notice), { type: 'capstan.notice', ...notice }));
  it('slack: text and one red attachment for a failure', () => {
    assert.deepEqual(payloadFor('slack', notice), {
      text: 'Release failed: HelmRelease team/web',
      attachments: [{ color: 'danger', title: 'Release failed: HelmRelease team/web', text: 'FailedReleaseSync: synchronization failed: boom', ts: 1767323045 }],
    });
  });
  it('slack: green for a recovery; a Git source has no namespace', () => {
    const p = payloadFor('slack', { ...notice, kind: NoticeKind.SyncRecovered, object: { kind: 'GitSource', name: 'default' } }) as { text: string; attachments: Array<{ color: string }> };
    assert.equal(p.text, 'Sync recovered: GitSource default');
    assert.equal(p.attachments[0]?.color, 'good');
  });
});

describe('deliveryVerdict', () => {
  const table: Array<[number, { retry: boolean; detail: string } | undefined]> = [
    [200, undefined], [204, undefined],
    [500, { retry: true, detail: 'HTTP 500' }], [503, { retry: true, detail: 'HTTP 503' }],
    [429, { retry: true, detail: 'HTTP 429' }], [408, { retry: true, detail: 'HTTP 408' }],
    [404, { retry: false, detail: 'HTTP 404' }], [403, { retry: false, detail: 'HTTP 403' }], [302, { retry: false, detail: 'HTTP 302' }],
  ];
  for (const [status, want] of table) it(`HTTP ${status}`, () => assert.deepEqual(deliveryVerdict(status), want));
});
