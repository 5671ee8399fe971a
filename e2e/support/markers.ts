import { randomBytes } from 'node:crypto';

// A unique random string seeded into one secret by a leak test; `user` is the user name sent with it in Basic auth.
export interface Marker { name: string; value: string; user?: string }

// A marker no other run uses, recognisable in a failure message by its name.
export function newMarker(name: string, user?: string): Marker {
  return { name, value: `mk${name.replace(/[^a-z0-9]/gi, '')}${randomBytes(12).toString('hex')}`, ...(user ? { user } : {}) };
}

// The base64 text that encodes `value` wherever it stands in a longer base64 text: for each of the three byte
// offsets it can start at, the characters that depend on `value` alone, in the standard and the URL-safe alphabet.
export function base64Stems(value: string): string[] {
  const bytes = Buffer.from(value);
  const out = new Set<string>();
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64').replace(/=+$/, '');
    const stem = encoded.slice(Math.ceil((shift * 8) / 6), Math.floor(((shift + bytes.length) * 8) / 6));
    out.add(stem);
    out.add(stem.replaceAll('+', '-').replaceAll('/', '_'));
  }
  return [...out];
}

// Every form in which a leaked marker would show: itself, its base64 (standard and URL-safe, at any offset) and,
// with a user, base64 of `user:marker` as in an Authorization header (also base64-encoded once more).
export function leakForms(marker: Marker): Array<{ form: string; text: string }> {
  const forms = [{ form: 'plain', text: marker.value }, ...base64Stems(marker.value).map((text) => ({ form: 'base64', text }))];
  if (marker.user) {
    const basic = Buffer.from(`${marker.user}:${marker.value}`).toString('base64');
    forms.push({ form: 'basic-auth', text: basic }, { form: 'basic-auth', text: basic.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '') });
    // a Basic header or docker config `auth` encoded once more, as in a Secret's data
    forms.push(...base64Stems(basic).map((text) => ({ form: 'base64 of basic-auth', text })));
  }
  return forms;
}

// Where each marker shows in `text`, as "<where>: <marker> (<form>) in …context…"; empty when none does.
export function findLeaks(where: string, text: string, markers: readonly Marker[]): string[] {
  const found: string[] = [];
  for (const marker of markers) {
    for (const { form, text: needle } of leakForms(marker)) {
      const at = text.indexOf(needle);
      if (at < 0) continue;
      const context = text.slice(Math.max(0, at - 120), at + needle.length + 60).replaceAll('\n', '\\n');
      found.push(`${where}: ${marker.name} (${form}) in …${context}…`);
      break;
    }
  }
  return found;
}
