import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { redact } from '../redact.ts';
import { HelmError } from './helm-error.ts';

// What `helm template` renders for `capstan ctl diff hr`: the chart (local .tgz/dir or oci:// with version) with
// the merged values (through a private file, never argv), as an install or upgrade into `namespace` would.
export interface TemplateOptions {
  binary: string; release: string; namespace: string; chart: string; version?: string; values: Record<string, unknown>;
  secrets?: readonly string[]; skipCRDs?: boolean; timeoutSec?: number;
}

// Helm's read-only commands, beside runner.ts (which changes releases): nothing here touches a cluster.
// `helm version --short` of `binary`, or undefined when it cannot be run.
export async function helmVersion(binary: string | undefined): Promise<string | undefined> {
  if (!binary) return undefined;
  const r = await execa(binary, ['version', '--short'], { reject: false, timeout: 10_000 });
  return r.exitCode === 0 ? String(r.stdout).trim() : undefined;
}

// The rendered manifests of `helm template`; a failure is a HelmError with secrets redacted.
export async function helmTemplate(o: TemplateOptions): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'capstan-values-'));
  try {
    const file = join(dir, 'values.json');
    await writeFile(file, JSON.stringify(o.values), { mode: 0o600 });
    const flags = ['--values', file, `--namespace=${o.namespace}`, ...(o.version ? [`--version=${o.version}`] : []), ...(o.skipCRDs ? ['--skip-crds'] : ['--include-crds'])];
    const r = await execa(o.binary, ['template', ...flags, '--', o.release, o.chart], { reject: false, timeout: (o.timeoutSec ?? 120) * 1000 });
    if (r.exitCode !== 0 || r.failed) {
      const secrets = o.secrets ?? [];
      throw new HelmError({ command: `helm template ${o.release}`, exitCode: r.exitCode, stderr: redact(String(r.stderr ?? r.message), secrets), timedOut: r.timedOut });
    }
    return String(r.stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
