import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GC_MARK_LABEL, gcMark } from '../../src/sync/checksum.ts';
import { deletionBudget, type GcInput, type LiveObject, planGarbageCollection } from '../../src/sync/plan-gc.ts';

const SOURCE = 'source-a';

// A live object of SOURCE (or of another source), with optional annotations.
function live(kind: string, name: string, opts: { namespace?: string; source?: string; annotations?: Record<string, string> } = {}): LiveObject {
  const id = `${opts.namespace ?? 'apps'}:${kind.toLowerCase()}/${name}`;
  return { id, kind, labels: { [GC_MARK_LABEL]: gcMark(opts.source ?? SOURCE, id) }, annotations: opts.annotations };
}

function input(objects: LiveObject[], desired: string[], extra: Partial<GcInput<LiveObject>> = {}): GcInput<LiveObject> {
  return { live: objects, desired: new Set(desired), sourceId: SOURCE, planComplete: true, dryRun: false, ...extra };
}

// Eight objects of SOURCE, all defined in Git.
const eight = [
  live('Namespace', 'apps', { namespace: '<cluster>' }),
  live('ServiceAccount', 'web'),
  live('ConfigMap', 'web'),
  live('Service', 'web'),
  live('Deployment', 'web'),
  live('Deployment', 'api'),
  live('Service', 'api'),
  live('ConfigMap', 'api'),
];
const all = eight.map((o) => o.id);

describe('planGarbageCollection', () => {
  it('deletes this source’s objects that are no longer in Git, in reverse apply order', () => {
    const plan = planGarbageCollection(input(eight, all.filter((id) => id !== 'apps:configmap/api' && id !== 'apps:deployment/api')));
    assert.deepEqual(plan.delete.map((o) => o.id), ['apps:deployment/api', 'apps:configmap/api']);
    assert.equal(plan.refused, undefined);
  });

  it('reverse order across ranks: workloads, then configs, then services, then the namespace', () => {
    const objects = [
      live('Namespace', 'x', { namespace: '<cluster>' }), live('Service', 's', { namespace: 'x' }), live('ConfigMap', 'c', { namespace: 'x' }),
      live('Deployment', 'd', { namespace: 'x' }), live('Secret', 'keep', { namespace: 'x' }),
    ];
    const plan = planGarbageCollection(input(objects, ['x:secret/keep'], { budgetRatio: 1 }));
    assert.deepEqual(plan.delete.map((o) => o.id), ['x:deployment/d', 'x:configmap/c', 'x:service/s', '<cluster>:namespace/x']);
  });

  it('an empty Git set is refused even with no budget limit', () => {
    assert.equal(planGarbageCollection(input(eight, [], { budgetRatio: 1 })).refused?.reason, 'empty-source');
  });

  it('nothing is in Git any more: nothing is deleted', () => {
    const plan = planGarbageCollection(input(eight, []));
    assert.deepEqual(plan.delete, []);
    assert.equal(plan.refused?.reason, 'empty-source');
    assert.match(plan.refused?.message ?? '', /8 of 8/);
  });

  it('an emptied or mis-pointed repo (most objects missing) is over the budget: nothing is deleted', () => {
    const plan = planGarbageCollection(input(eight, ['apps:deployment/web']));
    assert.deepEqual(plan.delete, []);
    assert.equal(plan.refused?.reason, 'over-budget');
    assert.match(plan.refused?.message ?? '', /7 of 8 objects.*budget of 2/);
  });

  it('exactly at the budget is allowed (2 of 8 at 25%), one more is refused', () => {
    assert.equal(planGarbageCollection(input(eight, all.slice(2))).delete.length, 2);
    assert.equal(planGarbageCollection(input(eight, all.slice(3))).refused?.reason, 'over-budget');
  });

  it('a single candidate among few objects is always allowed', () => {
    const two = eight.slice(0, 2);
    const plan = planGarbageCollection(input(two, [two[0]?.id ?? '']));
    assert.deepEqual(plan.delete.map((o) => o.id), ['apps:serviceaccount/web']);
  });

  it('an incomplete plan deletes nothing and says why', () => {
    const plan = planGarbageCollection(input(eight, all.slice(1), { planComplete: false }));
    assert.deepEqual(plan.delete, []);
    assert.equal(plan.refused?.reason, 'incomplete-plan');
    assert.match(plan.refused?.message ?? '', /incomplete/);
    assert.equal(planGarbageCollection(input(eight, all, { planComplete: false })).refused?.reason, 'incomplete-plan');
  });

  it('ignore and sync_only on the live object keep it, listed as skipped', () => {
    const objects = [
      ...eight,
      live('Secret', 'kept', { annotations: { 'fluxcd.io/ignore': 'sync_only' } }),
      live('Secret', 'legacy', { annotations: { 'flux.weave.works/ignore': 'true' } }),
      live('Secret', 'gone', { annotations: { 'fluxcd.io/ignore': 'false' } }),
    ];
    const plan = planGarbageCollection(input(objects, all));
    assert.deepEqual(plan.delete.map((o) => o.id), ['apps:secret/gone']);
    assert.deepEqual(plan.skipped.map((s) => s.id), ['apps:secret/kept', 'apps:secret/legacy']);
    assert.match(plan.skipped[0]?.why ?? '', /sync_only/);
  });

  it('never touches objects of another source, or whose mark was copied from another object', () => {
    const copied = { ...live('Deployment', 'copy'), labels: { [GC_MARK_LABEL]: gcMark(SOURCE, 'apps:deployment/web') } };
    const unmarked = { id: 'apps:deployment/manual', kind: 'Deployment' };
    const plan = planGarbageCollection(input([...eight, live('Deployment', 'theirs', { source: 'source-b' }), copied, unmarked], all));
    assert.deepEqual([plan.delete, plan.skipped, plan.refused], [[], [], undefined]);
  });

  it('dry run gives the same plan, flagged', () => {
    const wet = planGarbageCollection(input(eight, all.slice(1)));
    const dry = planGarbageCollection(input(eight, all.slice(1), { dryRun: true }));
    assert.deepEqual(dry, { ...wet, dryRun: true });
    assert.equal(dry.delete.length, 1);
  });

  it('hands back the caller’s own objects', () => {
    const rich = eight.map((o) => ({ ...o, apiVersion: 'v1', uid: `uid-${o.id}` }));
    const [first] = planGarbageCollection({ ...input([], all.slice(1)), live: rich }).delete;
    assert.equal(first?.uid, `uid-${all[0]}`);
  });
});

describe('deletionBudget', () => {
  // [marked objects, ratio, allowed deletions]
  const table: Array<[number, number, number]> = [
    [1, 0.25, 1], [2, 0.25, 1], [4, 0.25, 1], [5, 0.25, 2], [8, 0.25, 2], [10, 0.25, 3], [100, 0.25, 25],
    [30, 0.1, 3], [10, 0, 0], [10, 1, 10], [10, 7, 10], [10, -1, 0], [10, Number.NaN, 0], [0, 0.25, 0],
  ];
  for (const [marked, ratio, allowed] of table) {
    it(`${marked} objects at ${ratio} → ${allowed}`, () => assert.equal(deletionBudget(marked, ratio), allowed));
  }
});
