import { Phase, type HelmReleaseStatus } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { attemptFailure, type StepOutcome } from '../actions/outcome.ts';
import type { StepAction } from '../next-action.ts';
import { describe, type ReleaseContext } from '../release-context.ts';
import { rollbackTarget } from '../release-history.ts';
import { statusForPhase } from './phase-status.ts';

// What the step functions read of the release: the context and the time.
export interface StepFacts { ctx: ReleaseContext; now: Date }

function enter(status: HelmReleaseStatus, phase: Phase, message: string, { ctx, now }: StepFacts): HelmReleaseStatus {
  return statusForPhase(status, phase, message, { ignoreTestFailures: ctx.hr.spec.test?.ignoreFailures === true, now });
}

// The status while `action` runs, written before its helm call so `kubectl get hr` shows it. An install or upgrade
// records what it attempts (chart revision, digest) first, so a failure counts against these inputs; a new
// digest starts a new retry budget. An unlock is not Released until recovery and the next attempt succeed.
export function statusBefore(status: HelmReleaseStatus, action: StepAction, facts: StepFacts): HelmReleaseStatus {
  const { ctx } = facts;
  const d = describe(ctx);
  switch (action) {
    case 'install':
    case 'upgrade': {
      const same = status.lastAttemptedDigest === ctx.digest;
      const attempt = { ...status, lastAttemptedRevision: ctx.chart.revision, lastAttemptedDigest: ctx.digest, failures: same ? (status.failures ?? 0) : 0, releaseName: ctx.releaseName };
      return action === 'install' ? enter(attempt, Phase.Installing, `Running installation for ${d}.`, facts) : enter(attempt, Phase.Upgrading, `Running upgrade for ${d}.`, facts);
    }
    case 'test':
      return enter(status, Phase.Testing, `Running tests for ${d}.`, facts);
    case 'rollback':
      return enter(status, Phase.RollingBack, `Rolling back ${d} to revision ${rollbackTarget(ctx.history)?.version}.`, facts);
    case 'unlock': {
      const latest = ctx.history[0];
      return enter(status, Phase.Failed, `${d} revision ${latest?.version} was left ${latest?.status} by a worker that stopped; recovering`, facts);
    }
    case 'uninstall':
    case 'adopt': // read-only: the phase the Helm Operator left stays until the adoption or the upgrade concludes
      return status;
  }
}

// The status after a step's outcome: the phase the Helm Operator entered for it; a failed attempt is counted.
export function statusAfter(status: HelmReleaseStatus, outcome: StepOutcome, facts: StepFacts): HelmReleaseStatus {
  const d = describe(facts.ctx);
  const cause = outcome.error?.message ?? '';
  const counted = attemptFailure(outcome, facts.ctx.hr.spec) ? { ...status, failures: (status.failures ?? 0) + 1 } : status;
  switch (outcome.action) {
    case 'install':
      return outcome.error ? enter(counted, Phase.DeployFailed, `Installation failed for ${d}: ${cause}`, facts) : enter(status, Phase.Deployed, `Installation succeeded for ${d}.`, facts);
    case 'upgrade':
      return outcome.error ? enter(counted, Phase.DeployFailed, `Upgrade failed for ${d}: ${cause}`, facts) : enter(status, Phase.Deployed, `Upgrade succeeded for ${d}.`, facts);
    case 'test':
      return outcome.error ? enter(counted, Phase.TestFailed, `Tests failed for ${d}: ${cause}`, facts) : enter(status, Phase.Tested, `Tests succeeded for ${d}.`, facts);
    case 'rollback':
      return outcome.error
        ? enter(status, Phase.RollbackFailed, `Rollback failed for ${d}: ${cause}`, facts)
        : enter(status, Phase.RolledBack, `Rolled back ${d} to revision ${outcome.target}.`, facts);
    case 'uninstall':
    case 'unlock':
    case 'adopt':
      return status;
  }
}
