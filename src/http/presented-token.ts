import type { IncomingHttpHeaders } from 'node:http';

// The token a request presents in its Authorization header: `Bearer <token>`, fluxctl's
// `Scope-Probe token=<token>`, or Basic with the token as password (what a browser sends for the dashboard; the
// user name is ignored). Undefined when there is none.
export function presentedToken(headers: IncomingHttpHeaders): string | undefined {
  const header = headers.authorization?.trim();
  if (!header) return undefined;
  const [scheme = '', ...rest] = header.split(/\s+/);
  const value = rest.join(' ');
  switch (scheme.toLowerCase()) {
    case 'bearer':
      return value || undefined;
    case 'scope-probe':
      return /^token=(.+)$/.exec(value)?.[1];
    case 'basic': {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return colon < 0 ? undefined : decoded.slice(colon + 1) || undefined;
    }
    default:
      return undefined;
  }
}
