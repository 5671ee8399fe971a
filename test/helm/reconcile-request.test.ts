import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HelmRelease } from '../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { EnqueueReason } from '../../src/helm/queue/release-job.ts';
import { changeReason, REQUESTED_AT_ANNOTATION, type SeenRelease, seenRelease, statusHandled } from '../../src/helm/reconcile-request.ts';

const hr = (annotations?: Record<string, string>, more: Partial<HelmRelease['metadata']> = {}): HelmRelease => ({
  apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', metadata: { name: 'web', namespace: 'ns', generation: 2, annotations, ...more }, spec: { chart: {} },
});

describe('a reconcile request (reconcile.fluxcd.io/requestedAt)', () => {
  const seen = (generation: number, requestedAt?: string, deleting = false): SeenRelease => ({ generation, deleting, requestedAt });
  const table: Array<[string, SeenRelease, SeenRelease, EnqueueReason | undefined]> = [
    ['a status update', seen(2), seen(2), undefined],
    ['a status update with the same request', seen(2, 'a'), seen(2, 'a'), undefined],
    ['a new request', seen(2), seen(2, 'a'), EnqueueReason.Requested],
    ['another request', seen(2, 'a'), seen(2, 'b'), EnqueueReason.Requested],
    ['the request removed', seen(2, 'a'), seen(2), undefined],
    ['a spec change with a request', seen(2, 'a'), seen(3, 'b'), EnqueueReason.SpecChanged],
    ['a deletion', seen(2), seen(2, undefined, true), EnqueueReason.Deleted],
  ];
  for (const [name, before, now, reason] of table) it(`${name} → ${reason ?? 'nothing'}`, () => assert.equal(changeReason(before, now), reason));

  it('the operator sees generation, deletion and the request of a HelmRelease', () => {
    assert.deepEqual(seenRelease(hr({ [REQUESTED_AT_ANNOTATION]: 'x' })), seen(2, 'x'));
    assert.deepEqual(seenRelease(hr(undefined, { deletionTimestamp: '2026-12-01T00:00:00Z' })), seen(2, undefined, true));
  });

  it('the status records the request handled; none, or one already recorded, leaves it as it is', () => {
    assert.deepEqual(statusHandled({ phase: 'Succeeded' }, hr({ [REQUESTED_AT_ANNOTATION]: 'x' })), { phase: 'Succeeded', lastHandledReconcileAt: 'x' });
    const status = { lastHandledReconcileAt: 'x' };
    assert.equal(statusHandled(status, hr({ [REQUESTED_AT_ANNOTATION]: 'x' })), status);
    assert.equal(statusHandled(status, hr()), status);
  });
});
