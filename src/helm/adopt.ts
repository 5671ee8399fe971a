import { canonicalJson } from '../canonical-json.ts';
import type { DeployedMetadata } from './deployed-release.ts';

// What Capstan would install: the chart's name and version, the merged values, and for a Git chart the commit it
// resolved beside the one the Helm Operator recorded in status.revision.
export interface DesiredRelease {
  chart: string;
  version: string;
  values: Record<string, unknown>;
  git?: { recorded?: string; current: string };
}

// What Helm has deployed now; either part undefined when helm could not tell.
export interface DeployedRelease { metadata?: DeployedMetadata; values?: Record<string, unknown> }

// Whether a release with no Capstan digest is taken over as it is, and why (never naming a value: they may be secret).
export interface AdoptionVerdict { adopt: boolean; reason: string }

// Decides whether a release Capstan never recorded (left by the Helm Operator, or helm run by hand) is adopted
// without an upgrade: its newest revision is deployed, from a chart of the same name and version, with user-supplied
// values equal (as JSON, as helm reads them) to the merged values Capstan would install; for a Git chart also made from the same commit
// (a Git chart's templates change without its version changing). The Helm Operator decided the same way: a dry-run
// upgrade compared with the deployed release's values and chart. Any difference, or anything helm could not tell:
// the normal upgrade. Pure.
export function adoptionVerdict(deployed: DeployedRelease, desired: DesiredRelease): AdoptionVerdict {
  const m = deployed.metadata;
  if (!m) return { adopt: false, reason: 'helm did not report the deployed chart' };
  if (m.status !== 'deployed') return { adopt: false, reason: `revision ${m.revision} is ${m.status}` };
  if (m.chart !== desired.chart || m.version !== desired.version) {
    return { adopt: false, reason: `chart ${m.chart}-${m.version} is deployed, ${desired.chart}-${desired.version} is desired` };
  }
  if (desired.git && desired.git.recorded !== desired.git.current) {
    const was = desired.git.recorded ? `commit ${desired.git.recorded}` : 'no commit';
    return { adopt: false, reason: `the Git chart was last released from ${was}, ${desired.git.current} is desired` };
  }
  if (!deployed.values) return { adopt: false, reason: 'helm did not report the deployed values' };
  if (canonicalJson(deployed.values) !== canonicalJson(desired.values)) return { adopt: false, reason: 'the deployed values differ from the desired ones' };
  return { adopt: true, reason: `revision ${m.revision} (chart ${m.chart}-${m.version}) already has the desired chart and values` };
}
