import type { HelmReleaseSpec } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';

// What one action did; `error` is set when its helm call failed. Actions return it and never decide what runs next:
// the reconcile loop applies it to the status and the history, then asks next-action.
export type StepOutcome =
  | { action: 'install' | 'upgrade'; error?: Error; revision?: number } // revision: the one helm made, when it said
  | { action: 'test'; error?: Error }
  | { action: 'rollback'; error?: Error; target: number; revision?: number } // target: the revision gone back to
  | { action: 'uninstall'; error?: Error }
  | { action: 'unlock'; error?: Error; revision: number; left: string } // the revision left `left` (pending-*, uninstalling)
  | { action: 'adopt'; error?: undefined; adopted: boolean; reason: string }; // never an error: not adopted means upgrade

// A failed attempt at the desired inputs, which counts against the retry budget: what failed, and why.
export interface AttemptFailure { what: 'installation' | 'upgrade' | 'test'; error: Error }

// Whether an outcome is a failed attempt: a failed install or upgrade, or failed tests unless test.ignoreFailures.
// A failed rollback or uninstall is not: it only tidies up after an attempt (or a lock).
export function attemptFailure(outcome: StepOutcome, spec: HelmReleaseSpec): AttemptFailure | undefined {
  if (!outcome.error) return undefined;
  if (outcome.action === 'install') return { what: 'installation', error: outcome.error };
  if (outcome.action === 'upgrade') return { what: 'upgrade', error: outcome.error };
  if (outcome.action === 'test' && spec.test?.ignoreFailures !== true) return { what: 'test', error: outcome.error };
  return undefined;
}

// The error of a failed helm call, as an Error.
export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
