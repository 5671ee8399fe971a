import { adopt } from './actions/adopt.ts';
import { assertOwnership } from './actions/antecedent.ts';
import { install } from './actions/install.ts';
import { attemptFailure, type StepOutcome } from './actions/outcome.ts';
import { actionEvent, outcomeEvents } from './actions/outcome-events.ts';
import { rollback } from './actions/rollback.ts';
import { testRelease } from './actions/test-release.ts';
import { uninstall } from './actions/uninstall.ts';
import { unlock } from './actions/unlock.ts';
import { upgrade } from './actions/upgrade.ts';
import { checkDrift } from './drift/check-drift.ts';
import { concludeRelease, stallRelease, type EndOfRun, type ReleaseOutcome } from './conclude-release.ts';
import { Action, nextAction, stepTaken, type PreviousStep, type StepAction } from './next-action.ts';
import { recordEvent, type ReleaseContext } from './release-context.ts';
import { historyAfter, mayBeMidAction } from './release-history.ts';
import { actionFinished, actionStarted } from './status/last-action.ts';
import { statusAfter, statusBefore } from './status/step-status.ts';
import type { StatusWriter } from './status/status-writer.ts';

// The most steps one reconcile takes; the longest real path is six (unlock, rollback that fails, uninstall,
// install, tests that fail, uninstall). More means the decisions go round in a circle: a bug, not a release.
export const MAX_STEPS = 8;

// Each action that runs something, one file each: one helm call (unlock: one write to Helm's storage).
const ACTIONS: Record<StepAction, (ctx: ReleaseContext) => Promise<StepOutcome>> = {
  install, upgrade, test: testRelease, rollback, uninstall, unlock, adopt,
};

// Decide, then act, one step at a time: next-action names the next action from the history and the status as
// they now stand; the action runs; its outcome is applied to the status (in memory, written before each helm call
// and at the end) and to the history (read again only when the outcome leaves it unknown); until next-action
// says none or stall.
export async function runRelease(ctx: ReleaseContext, writer: StatusWriter): Promise<ReleaseOutcome> {
  const run: EndOfRun = { ctx, writer };
  let previous: PreviousStep | undefined;
  const drift = await checkDrift(ctx, writer); // reads nothing unless the HelmRelease asks for drift detection
  for (let step = 1; step <= MAX_STEPS; step++) {
    const decision = nextAction({ history: ctx.history, recorded: writer.status, spec: ctx.hr.spec, desiredDigest: ctx.digest, previous, drift: previous ? undefined : drift });
    ctx.deps.log.info({ step, action: decision.action, reason: decision.reason }, 'next action');
    if (decision.action === Action.None) return concludeRelease(run, decision);
    if (decision.action === Action.Stall) return stallRelease(run, decision);
    const action = decision.action;
    if (step === 1) await ctx.deps.confirmLease?.(mayBeMidAction(ctx.history, ctx.hr.status?.phase));
    // refused before anything of another HelmRelease's is touched or adopted (checked once: adopt, then upgrade)
    if (action === Action.Adopt || (action === Action.Upgrade && previous?.action !== Action.Adopt)) await assertOwnership(ctx);
    writer.set(actionStarted(statusBefore(writer.status, action, { ctx, now: ctx.deps.now() }), action, ctx.deps.now()));
    await writer.flush();
    const starting = actionEvent(action, ctx);
    if (starting) await recordEvent(ctx, starting.type, starting.reason, starting.message);
    ctx.reason = decision.reason;
    const outcome = await ACTIONS[action](ctx);
    await apply(run, outcome);
    previous = stepTaken(action, outcome.action === 'adopt' ? outcome.adopted : !outcome.error, previous);
  }
  throw new Error(`release ${ctx.releaseName} was not settled after ${MAX_STEPS} steps`);
}

// Applies one outcome: the status in memory, its Events, Helm's history, and the failure it is, if any.
async function apply(run: EndOfRun, outcome: StepOutcome): Promise<void> {
  const { ctx, writer } = run;
  if (outcome.error) ctx.deps.log.warn({ action: outcome.action, err: outcome.error.message }, 'step failed');
  if (outcome.action === 'adopt') ctx.deps.log.info({ adopted: outcome.adopted, reason: outcome.reason }, 'compared with the deployed release');
  writer.set(actionFinished(statusAfter(writer.status, outcome, { ctx, now: ctx.deps.now() }), !outcome.error, ctx.deps.now()));
  for (const e of outcomeEvents(outcome, ctx)) await recordEvent(ctx, e.type, e.reason, e.message);
  ctx.history = historyAfter(ctx.history, outcome) ?? (await ctx.deps.kube.helmHistory(ctx.targetNamespace, ctx.releaseName));
  run.failure = attemptFailure(outcome, ctx.hr.spec) ?? run.failure;
  if (outcome.error) run.lastError = outcome.error;
}
