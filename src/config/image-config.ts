import { ConfigError } from '../config-error.ts';
import type { ImageConfig } from '../config.ts';
import type { FlagReader } from './read-flags.ts';
import { parseBool, parseDuration, positiveInt } from './values.ts';

// The registry flags; the interval takes fluxd's deprecated --registry-poll-interval when --automation-interval is unset.
export function imageConfig(flags: FlagReader): ImageConfig {
  const interval = flags.given('automation-interval') ? 'automation-interval' : flags.given('registry-poll-interval') ? 'registry-poll-interval' : 'automation-interval';
  const platform = flags.value('registry-platform') ?? '';
  if (!/^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/.test(platform)) throw new ConfigError('registry-platform', `expected os/architecture[/variant], got "${platform}"`);
  const rps = Number(flags.value('registry-rps'));
  if (!(rps > 0)) throw new ConfigError('registry-rps', 'expected a number above 0');
  return Object.freeze({
    disabled: parseBool('registry-disable-scanning', flags.value('registry-disable-scanning') ?? ''),
    intervalMs: parseDuration(interval, flags.value(interval) ?? ''),
    includeImages: Object.freeze(flags.list('registry-include-image')),
    excludeImages: Object.freeze(flags.list('registry-exclude-image')),
    insecureHosts: Object.freeze(flags.list('registry-insecure-host')),
    rps,
    burst: positiveInt('registry-burst', flags.value('registry-burst') ?? ''),
    platform,
    dockerConfig: flags.given('docker-config'),
  });
}
