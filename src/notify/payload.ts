import { isFailure, type Notice } from './notice.ts';

// The formats Capstan posts: its own JSON (the notice as it is) or a Slack incoming-webhook message.
export const SinkFormat = { json: 'json', slack: 'slack' } as const;
export type SinkFormat = (typeof SinkFormat)[keyof typeof SinkFormat];

const TITLES: Readonly<Record<Notice['kind'], string>> = {
  'release-failed': 'Release failed',
  'release-recovered': 'Release recovered',
  'release-rolled-back': 'Release rolled back',
  'sync-failed': 'Sync failed',
  'sync-recovered': 'Sync recovered',
};

function subject(n: Notice): string {
  return n.object.namespace ? `${n.object.kind} ${n.object.namespace}/${n.object.name}` : `${n.object.kind} ${n.object.name}`;
}

// The body posted for a notice: the generic webhook gets `{ type: 'capstan.notice', ...notice }`; Slack gets
// `text` (shown in notifications) and one attachment coloured by outcome (Slack, Mattermost and Rocket.Chat read it).
export function payloadFor(format: SinkFormat, n: Notice): Record<string, unknown> {
  if (format === SinkFormat.json) return { type: 'capstan.notice', ...n };
  const title = `${TITLES[n.kind]}: ${subject(n)}`;
  return {
    text: title,
    attachments: [{ color: isFailure(n.kind) ? 'danger' : 'good', title, text: `${n.reason}: ${n.message}`, ts: Math.floor(Date.parse(n.at) / 1000) }],
  };
}
