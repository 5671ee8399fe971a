import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readYaml } from '../../yaml/read-yaml.ts';
import { adoptionVerdict, type DesiredRelease } from '../adopt.ts';
import type { ReleaseContext } from '../release-context.ts';
import type { StepOutcome } from './outcome.ts';

// Compares a release Capstan never recorded with what it would install (`helm get metadata` and `helm get
// values`, nothing written): adopted when they are the same (adopt.ts), else the normal upgrade follows. A helm
// call that fails is no error of the release: it is then not adopted, and the upgrade says what is wrong.
export async function adopt(ctx: ReleaseContext): Promise<StepOutcome> {
  const target = { release: ctx.releaseName, namespace: ctx.targetNamespace, signal: ctx.signal, secrets: ctx.secrets };
  try {
    const [metadata, values] = await Promise.all([ctx.deps.helm.metadata(target), ctx.deps.helm.values(target)]);
    const verdict = adoptionVerdict({ metadata, values }, await desiredRelease(ctx));
    return { action: 'adopt', adopted: verdict.adopt, reason: verdict.reason };
  } catch (err) {
    return { action: 'adopt', adopted: false, reason: `cannot read the deployed release: ${(err as Error).message}` };
  }
}

// The chart Capstan would install: a repository or OCI chart by spec.chart.name and the version resolved; a Git
// chart by its Chart.yaml, with the commit resolved beside the one the Helm Operator recorded (status.revision).
async function desiredRelease(ctx: ReleaseContext): Promise<DesiredRelease> {
  const spec = ctx.hr.spec.chart;
  if (spec.git === undefined) return { chart: spec.name ?? '', version: ctx.chart.revision, values: ctx.values };
  const meta = await chartMetadata(ctx.chart.ref);
  return { ...meta, values: ctx.values, git: { recorded: ctx.hr.status?.revision, current: ctx.chart.revision } };
}

// Name and version from a chart directory's Chart.yaml; empty strings where it has none (never equal to a chart).
async function chartMetadata(dir: string): Promise<{ chart: string; version: string }> {
  const text = await readFile(join(dir, 'Chart.yaml'), 'utf8').catch(() => '');
  let doc: unknown;
  try {
    doc = readYaml(text);
  } catch {
    doc = undefined;
  }
  const m = typeof doc === 'object' && doc !== null ? (doc as { name?: unknown; version?: unknown }) : {};
  return { chart: typeof m.name === 'string' ? m.name : '', version: typeof m.version === 'string' ? m.version : '' };
}
