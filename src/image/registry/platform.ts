// The platform whose image a multi-platform tag stands for, e.g. linux/amd64 or linux/arm64/v8.
export interface Platform { os: string; architecture: string; variant?: string }

const PART = /^[a-z0-9_.-]+$/;

// Parses `os/architecture[/variant]`; throws naming the text.
export function parsePlatform(text: string): Platform {
  const parts = text.trim().toLowerCase().split('/');
  const [os, architecture, variant] = parts;
  if (parts.length < 2 || parts.length > 3 || !parts.every((p) => PART.test(p)) || !os || !architecture) {
    throw new Error(`"${text}" is not a platform: expected os/architecture[/variant], e.g. linux/amd64 or linux/arm64/v8`);
  }
  return variant === undefined ? { os, architecture } : { os, architecture, variant };
}

// arm64 images without a variant are v8 (as containerd reads them).
function variantOf(p: { architecture: string; variant?: string | undefined }): string | undefined {
  return p.variant ?? (p.architecture === 'arm64' ? 'v8' : undefined);
}

// Whether an index entry's platform serves `wanted`: same os and architecture, and the same variant when
// `wanted` names one.
export function platformMatches(wanted: Platform, entry: { os?: unknown; architecture?: unknown; variant?: unknown }): boolean {
  if (entry.os !== wanted.os || entry.architecture !== wanted.architecture) return false;
  if (wanted.variant === undefined) return true;
  const variant = typeof entry.variant === 'string' ? entry.variant : undefined;
  return variantOf({ architecture: entry.architecture, variant }) === variantOf(wanted);
}

// `os/architecture[/variant]`, for messages.
export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter((s) => s !== undefined).join('/');
}
