// The one redaction of Capstan: everything meant for logs, status, events, errors or API answers goes through
// here when it may hold a credential.

// A secret to remove: a string (a token, a password), or a user/password pair as sent in Basic auth. For a pair
// the password is the secret, or the user name when the password is empty (a token given as `https://TOKEN@`).
export type Secret = string | { readonly username: string; readonly password: string };

// Shorter strings are not removed: they would cut words out of every message and hide nothing worth hiding.
const MIN_SECRET = 4;
const MASK = '***';

// Any URL's user info (`scheme://user@`, `scheme://user:password@`), wherever it stands in the text. The
// authority ends at the first `/`, `?`, `#` or blank; the last `@` before it ends the user info, as URL parsers
// read it (an unescaped `@` in a password included).
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*(?:@[^\s/?#@]*)*@/gi;

// Removes the user info (user and password) of every URL in text, any scheme, parsed or not.
export function stripUserInfo(text: string): string {
  return text.replace(USERINFO, '$1');
}

// A URL as messages and logs may show it: without user info.
export function redactUrl(url: string | URL): string {
  if (!(url instanceof URL)) return stripUserInfo(url);
  const copy = new URL(url);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

// The base64 text that encodes `value` wherever it stands in a longer base64 text: for each of the three byte
// offsets it can start at, the characters that depend on `value` alone, in the standard and the URL-safe alphabet.
export function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value);
  const forms = new Set<string>();
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64').replace(/=+$/, '');
    const start = Math.ceil((shift * 8) / 6);
    const end = Math.floor(((shift + bytes.length) * 8) / 6);
    const core = encoded.slice(start, end);
    if (core.length < MIN_SECRET) continue;
    forms.add(core);
    forms.add(core.replaceAll('+', '-').replaceAll('/', '_'));
  }
  return [...forms];
}

// Every string to cut out of text for one secret: the secret, its URL-encoded form and its base64 forms; for a
// pair also base64(`user:password`) whole, as in an `Authorization: Basic` header.
export function secretForms(secret: Secret): string[] {
  const value = typeof secret === 'string' ? secret : secret.password || secret.username;
  if (value.length < MIN_SECRET) return [];
  const forms = new Set([value, encodeURIComponent(value), ...base64Forms(value)]);
  if (typeof secret !== 'string') {
    const basic = Buffer.from(`${secret.username}:${secret.password}`).toString('base64');
    forms.add(basic);
    forms.add(basic.replace(/=+$/, ''));
  }
  return [...forms];
}

// Removes the user info of every URL, then each secret in all its forms, from text meant for logs, status,
// events, errors or API answers.
export function redact(text: string, secrets: readonly Secret[] = []): string {
  let out = stripUserInfo(text);
  const forms = secrets.flatMap(secretForms).sort((a, b) => b.length - a.length);
  for (const form of forms) out = out.split(form).join(MASK);
  return out;
}
