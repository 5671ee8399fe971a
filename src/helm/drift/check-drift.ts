import { recordEvent, type ReleaseContext } from '../release-context.ts';
import { determineReleaseState, ReleaseStatus, type ReleaseState, type StateInput } from '../release-state.ts';
import type { StatusWriter } from '../status/status-writer.ts';
import { driftSummary } from './compare-objects.ts';
import { detectDrift } from './detect-drift.ts';
import { DriftMode, driftModeOf } from './drift-mode.ts';
import { statusForDrift, statusWithoutDrift } from './drift-status.ts';

// Whether a reconcile compares the release's objects with the cluster: only when drift detection is on and the
// release is otherwise in sync (any other state runs helm anyway, which applies the manifest again). Pure.
export function driftCheckWanted(mode: DriftMode, state: ReleaseState): boolean {
  return mode !== DriftMode.Disabled && state.status === ReleaseStatus.InSync;
}

// The drift check of one reconcile, before its first decision: with drift detection disabled it reads nothing
// (no API call, no helm run) and only drops a Drifted condition left from when it was on. Otherwise the objects of
// the deployed revision are compared with the cluster; the Drifted condition says what was found (in memory,
// written with the rest of the status); drift found counts in the metric, makes an Event when the condition
// changes, and comes back for the decision (release-state.ts), with the upgrade's description for Helm's history.
export async function checkDrift(ctx: ReleaseContext, writer: StatusWriter): Promise<StateInput['drift']> {
  const mode = driftModeOf(ctx.hr);
  if (mode === DriftMode.Disabled) {
    writer.set(statusWithoutDrift(writer.status));
    return undefined;
  }
  const state = determineReleaseState({ history: ctx.history, recorded: writer.status, spec: ctx.hr.spec, desiredDigest: ctx.digest });
  const probe = ctx.deps.drift?.probe;
  const version = ctx.history[0]?.version;
  if (!driftCheckWanted(mode, state) || !probe || version === undefined) return undefined;
  const log = ctx.deps.log;
  const report = await detectDrift(probe, { namespace: ctx.targetNamespace, release: ctx.releaseName, version, signal: ctx.signal, log });
  if (!report) return undefined;
  const before = writer.status;
  writer.set(statusForDrift(before, mode, report.drifted, ctx.deps.now()));
  if (report.drifted.length === 0) {
    log.debug({ mode, checked: report.checked, unreadable: report.unreadable }, 'no drift');
    return undefined;
  }
  const summary = driftSummary(report.drifted);
  log.info({ mode, checked: report.checked, drifted: report.drifted.map((d) => ({ kind: d.ref.kind, object: d.ref.name, change: d.change, fields: d.fields })) }, 'drift detected');
  ctx.deps.drift?.onDetected?.(ctx.hr.metadata.namespace, ctx.hr.metadata.name);
  if (writer.status !== before) {
    const action = mode === DriftMode.Enabled ? 'correcting it with an upgrade' : 'not corrected (drift detection: warn)';
    await recordEvent(ctx, 'Warning', 'DriftDetected', `drift in release '${ctx.releaseName}' in namespace '${ctx.targetNamespace}': ${summary}; ${action}`);
  }
  if (mode === DriftMode.Enabled) ctx.upgradeDescription = `drift: ${summary}`;
  return { correct: mode === DriftMode.Enabled, summary };
}
