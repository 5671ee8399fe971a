import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fluxResults, mergeResults, statusOfState } from '../../../src/fluxapi/jobs/job-result.ts';

describe('job results in fluxd\'s shape', () => {
  it('per workload: status, error and each container\'s change', () => {
    assert.deepEqual(fluxResults([
      { workload: 'ns:deployment/web', status: 'success', containers: [{ container: 'app', current: 'r.io/web:1', target: 'r.io/web:2' }] },
      { workload: 'ns:deployment/db', status: 'skipped', reason: 'locked', containers: [] },
    ]), {
      'ns:deployment/web': { Status: 'success', PerContainer: [{ Container: 'app', Current: 'r.io/web:1', Target: 'r.io/web:2' }] },
      'ns:deployment/db': { Status: 'skipped', Error: 'locked', PerContainer: null },
    });
  });

  it('merges sources: a workload is "not found" only when no source has it', () => {
    const notFound = (workload: string) => ({ workload, status: 'skipped' as const, reason: 'not found in repository' });
    assert.deepEqual(mergeResults([
      [notFound('a:deployment/x'), { workload: 'a:deployment/y', status: 'success' }],
      [{ workload: 'a:deployment/x', status: 'success' }, notFound('a:deployment/y'), notFound('a:deployment/z')],
    ]), [{ workload: 'a:deployment/x', status: 'success' }, { workload: 'a:deployment/y', status: 'success' }, notFound('a:deployment/z')]);
  });

  const states: Array<[string, string]> = [
    ['waiting', 'queued'], ['delayed', 'queued'], ['prioritized', 'queued'], ['waiting-children', 'queued'],
    ['active', 'running'], ['completed', 'succeeded'], ['failed', 'failed'],
  ];
  for (const [state, status] of states) it(`a ${state} job is ${status}`, () => assert.equal(statusOfState(state), status));
});
