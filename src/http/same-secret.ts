import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

// Whether a presented secret equals the configured one, in time that depends on neither: both are hashed to
// SHA-256 first, so not even the length leaks; every token and webhook check of the HTTP API goes through here.
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}
