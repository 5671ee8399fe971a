import { GC_MARK_LABEL, gcMark } from './checksum.ts';
import { sortForDelete } from './order.ts';
import { collectable, ignorePolicy } from './policy.ts';

// A live object as garbage collection sees it; callers may pass richer objects and get them back.
export interface LiveObject {
  // fluxd id (`<namespace>:<kind>/<name>`, kind lower-cased), computed as for the Git manifests.
  id: string;
  kind: string;
  labels?: Readonly<Record<string, string>>;
  annotations?: Readonly<Record<string, string>>;
}

// Why a whole sweep was refused: nothing at all is deleted then.
export const GcRefusal = { incompletePlan: 'incomplete-plan', emptySource: 'empty-source', overBudget: 'over-budget' } as const;
export type GcRefusal = (typeof GcRefusal)[keyof typeof GcRefusal];

// The share of this source's live objects one sweep may delete, unless configured otherwise.
export const DEFAULT_GC_BUDGET_RATIO = 0.25;

// What garbage collection decides from one sync.
export interface GcInput<T extends LiveObject> {
  // Live objects carrying a GC mark label (any source's: marks are checked here).
  live: readonly T[];
  // Ids of every object Git defines for this source, ignored ones included.
  desired: ReadonlySet<string>;
  // The source the marks were made for (gcMark's first argument).
  sourceId: string;
  // True only when Git was read, every file loaded into the plan and every planned object applied.
  planComplete: boolean;
  // Share of this source's marked live objects a sweep may delete, 0..1; default DEFAULT_GC_BUDGET_RATIO.
  budgetRatio?: number;
  // The caller logs `delete` instead of deleting.
  dryRun: boolean;
}

// The decision: what to delete (in order) or why nothing is, and which orphans a policy keeps.
export interface GcPlan<T extends LiveObject> {
  // In deletion order (the reverse of apply order); empty when refused.
  delete: T[];
  refused?: { reason: GcRefusal; message: string };
  skipped: Array<{ id: string; why: string }>;
  dryRun: boolean;
}

// How many objects one sweep may delete: ceil(ratio × marked), ratio clamped to 0..1 (not a number → 0), with
// float noise removed (0.1 × 30 is 3). Any ratio above 0 thus allows at least 1 deletion: 1 of 1..4 objects,
// 3 of 10, 25 of 100. Ratio 0 refuses every sweep; ratio 1 sets no limit.
export function deletionBudget(marked: number, ratio: number): number {
  const r = Number.isNaN(ratio) ? 0 : Math.min(Math.max(ratio, 0), 1);
  return Math.max(0, Math.ceil(r * marked - 1e-9));
}

// Mark-and-sweep, decided: this source's marked objects absent from Git are deleted, unless `ignore`/`sync_only`
// on the live object keeps them. The whole sweep is refused when the plan was incomplete (Git unreachable, a file
// skipped, an apply failed), when Git defines no object for the source (an emptied or mis-pointed repo), or when
// the candidates exceed deletionBudget.
export function planGarbageCollection<T extends LiveObject>(input: GcInput<T>): GcPlan<T> {
  const ours = input.live.filter((o) => o.labels?.[GC_MARK_LABEL] === gcMark(input.sourceId, o.id));
  const candidates: T[] = [];
  const skipped: Array<{ id: string; why: string }> = [];
  for (const o of ours.filter((o) => !input.desired.has(o.id))) {
    const policy = ignorePolicy(o.annotations);
    if (collectable(policy)) candidates.push(o);
    else skipped.push({ id: o.id, why: `not in Git, kept: ignore policy "${policy}" on the live object` });
  }
  const refuse = (reason: GcRefusal, message: string): GcPlan<T> => ({ delete: [], refused: { reason, message }, skipped, dryRun: input.dryRun });
  const count = `${candidates.length} of ${ours.length} objects`;
  if (!input.planComplete) {
    return refuse(GcRefusal.incompletePlan, `the sync plan was incomplete, so nothing is deleted (${count} not in Git)`);
  }
  if (candidates.length > 0 && input.desired.size === 0) {
    return refuse(GcRefusal.emptySource, `Git defines no objects for this source; refusing to delete ${count}`);
  }
  const budget = deletionBudget(ours.length, input.budgetRatio ?? DEFAULT_GC_BUDGET_RATIO);
  if (candidates.length > budget) {
    return refuse(GcRefusal.overBudget, `refusing to delete ${count}: over the deletion budget of ${budget}`);
  }
  return { delete: sortForDelete(candidates), skipped, dryRun: input.dryRun };
}
