// What helm reports of the release an install or upgrade made (`--output json`): its revision, its Helm status and
// the rendered manifest. Empty where helm printed no such JSON.
export interface ReleaseInfo { version?: number; status?: string; manifest?: string }

// Reads `helm install|upgrade --output json`; everything else it prints (the values, the chart) is dropped.
export function parseReleaseOutput(stdout: string): ReleaseInfo {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const r = parsed as { version?: unknown; manifest?: unknown; info?: { status?: unknown } };
  return {
    version: typeof r.version === 'number' && Number.isInteger(r.version) ? r.version : undefined,
    status: typeof r.info?.status === 'string' ? r.info.status : undefined,
    manifest: typeof r.manifest === 'string' ? r.manifest : undefined,
  };
}
