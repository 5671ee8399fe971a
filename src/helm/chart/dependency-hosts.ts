import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { type NetworkAccess, networkAccess } from '../../net/network-access.ts';
import type { SecurityConfig } from '../../security-config.ts';
import { checkHost } from './remote-host-check.ts';

// The files `helm dependency build` takes repositories from: Chart.yaml/Chart.lock (apiVersion v2) and
// requirements.yaml/requirements.lock (v1).
const DEPENDENCY_FILES = ['Chart.yaml', 'Chart.lock', 'requirements.yaml', 'requirements.lock'];
const PORTS: Record<string, number> = { 'http:': 80, 'https:': 443, 'oci:': 443 };

const isMap = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

// Each dependency's name and repository as a file lists them; nothing for a file that is missing or broken (helm
// reports a broken file itself). Only `dependencies[].repository` is read, so aliases are never expanded.
function repositoriesIn(text: string | undefined): Array<{ name: string; repository: string }> {
  let doc: unknown;
  try {
    doc = text === undefined ? undefined : load(text);
  } catch {
    return [];
  }
  const deps = isMap(doc) ? doc.dependencies : undefined;
  if (!Array.isArray(deps)) return [];
  return deps.flatMap((d: unknown) => (isMap(d) && typeof d.repository === 'string' ? [{ name: String(d.name ?? ''), repository: d.repository }] : []));
}

// Before `helm dependency build` runs on a Git chart, checks the host of every http(s):// and oci:// dependency
// repository through the address policy, as helm will dial it itself (a refusal stalls on spec.chart.path, naming
// the file and the dependency). `@name`/`alias:` entries name the worker's own repositories and are left to helm;
// file:// entries are the chart checks' (git-chart-checks.ts). Nothing resolves with --allow-private-networks.
export async function checkDependencyRepositories(chartDir: string, path: string, security: SecurityConfig, access?: NetworkAccess): Promise<void> {
  if (security.allowPrivateNetworks && !access) return;
  for (const file of DEPENDENCY_FILES) {
    const text = await readFile(join(chartDir, file), 'utf8').catch(() => undefined);
    for (const { name, repository } of repositoriesIn(text)) {
      const url = URL.parse(repository.trim());
      const port = url ? PORTS[url.protocol] : undefined;
      if (!url?.hostname || port === undefined) continue;
      const about = `dependency "${name}" of ${path ? `${path}/` : ''}${file} (repository ${url.protocol}//${url.host}): `;
      await checkHost(url.hostname, Number(url.port) || port, access ?? networkAccess(security), 'spec.chart.path', about);
    }
  }
}
