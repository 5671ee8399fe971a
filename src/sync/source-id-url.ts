// The Git URL as the sync set name (and so every object's GC mark) hashes it: `user:password@` written as
// `***@`, the rest as configured. Kept byte for byte from before redaction moved to src/redact.ts, so the marks
// of existing installations do not change on upgrade (fluxd's SafeURL kept the user and dropped the password).
export function sourceIdUrl(url: string): string {
  return url.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s:]+:[^/@\s]+@/gi, '$1***@');
}
