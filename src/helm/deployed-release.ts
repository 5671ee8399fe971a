// What Helm says of the newest revision of a release: `helm get metadata -o json` (chart name and version, the
// revision and its status) and `helm get values -o json` (the user-supplied values). Adoption compares them with
// what Capstan would install (adopt.ts).
export interface DeployedMetadata { chart: string; version: string; revision: number; status: string }

// Reads `helm get metadata -o json`; undefined where helm printed no such JSON.
export function parseMetadataOutput(stdout: string): DeployedMetadata | undefined {
  const r = parseJson(stdout);
  if (typeof r !== 'object' || r === null) return undefined;
  const m = r as Record<string, unknown>;
  const { chart, version, revision, status } = m;
  if (typeof chart !== 'string' || typeof version !== 'string' || typeof status !== 'string') return undefined;
  if (typeof revision !== 'number' || !Number.isInteger(revision)) return undefined;
  return { chart, version, revision, status };
}

// Reads `helm get values -o json`: helm prints `null` for a release installed without values, read as {};
// undefined where the output is not a JSON object.
export function parseValuesOutput(stdout: string): Record<string, unknown> | undefined {
  const r = parseJson(stdout.trim() || 'undefined');
  if (r === null) return {};
  return typeof r === 'object' && !Array.isArray(r) ? (r as Record<string, unknown>) : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
