import { getScalarValue, SCALAR_STYLE, type ScalarEvent } from 'js-yaml';
import { type Resolved, resolvePlain, resolveTagged } from './resolve-scalar.ts';

// The tag handles every document starts with; `%TAG` directives add to them.
export const YAML_HANDLES: Readonly<Record<string, string>> = { '!': '!', '!!': 'tag:yaml.org,2002:' };

// A tag as written (`!!int`, `!e!foo`, `!<tag:...>`) in full, by the document's handles.
function fullTag(raw: string, handles: Readonly<Record<string, string>>): string {
  if (raw.startsWith('!<') && raw.endsWith('>')) return raw.slice(2, -1);
  const end = raw.indexOf('!', 1);
  const handle = end === -1 ? '!' : raw.slice(0, end + 1);
  return (handles[handle] ?? handle) + raw.slice(handle.length);
}

// What one scalar of the text means: plain and untagged by resolvePlain, quoted or block as a string, tagged by
// its tag (`!` alone keeps a string). Throws when the text does not fit its tag.
export function resolveScalarEvent(source: string, ev: ScalarEvent, handles: Readonly<Record<string, string>>): Resolved {
  const text = getScalarValue(source, ev);
  const raw = ev.tagStart === -1 ? '' : source.slice(ev.tagStart, ev.tagEnd);
  if (raw !== '' && raw !== '!') return resolveTagged(fullTag(raw, handles), text);
  return raw === '' && ev.style === SCALAR_STYLE.PLAIN ? resolvePlain(text) : { kind: 'str', value: text };
}
