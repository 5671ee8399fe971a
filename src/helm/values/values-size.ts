import { StallingError } from '../../errors/stalling-error.ts';
import { jsonBytesWithin } from '../../yaml/json-size.ts';
import { bytesText } from '../../yaml/yaml-limits.ts';

// The largest values a release may have, measured as the JSON written to helm's values file (and digested):
// 4 MiB, four times what a ConfigMap or a Helm release Secret can hold, so no real release comes near it.
export const MAX_VALUES_BYTES = 4 * 1024 * 1024;

// Stalls the release, naming `field` (the source that made them grow past it), when the values pass the limit.
export function assertValuesSize(values: Record<string, unknown>, field: string, limit = MAX_VALUES_BYTES): void {
  if (jsonBytesWithin(values, limit) !== undefined) return;
  throw new StallingError('ValuesInvalid', `the values are larger than ${bytesText(limit)} as JSON`, { field });
}
