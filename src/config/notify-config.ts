import { ConfigError } from '../config-error.ts';
import type { NotifySink as Sink } from '../config.ts';
import { type FlagReader, secretFlag } from './read-flags.ts';

// --notify-url (Capstan's JSON) and --slack-url (a Slack incoming webhook): the sinks of release and sync notices.
// Both are secrets (a Slack URL is its own credential): from the variable or a -file, never logged.
export function notifySinks(flags: FlagReader): readonly Sink[] {
  const sinks: Sink[] = [];
  const webhook = secretFlag('notify-url', flags);
  if (webhook !== undefined) sinks.push({ name: 'webhook', url: checked('notify-url', webhook), format: 'json' });
  const slack = secretFlag('slack-url', flags);
  if (slack !== undefined) sinks.push({ name: 'slack', url: checked('slack-url', slack), format: 'slack' });
  return Object.freeze(sinks);
}

// An http(s) URL; the error names the flag and never quotes the value.
function checked(flag: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(flag, 'is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(flag, `must be an http:// or https:// URL, not ${url.protocol}`);
  return value;
}
