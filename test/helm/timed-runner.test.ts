import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HelmRunner } from '../../src/helm/runner.ts';
import { timedRunner } from '../../src/helm/timed-runner.ts';

describe('timedRunner', () => {
  it('reports each release action with its success, passes results and errors through, and times no reads', async () => {
    const seen: string[] = [];
    const base = {
      install: async () => ({ revision: 1 }),
      upgrade: async () => { throw new Error('boom'); },
      manifest: async () => 'kind: ConfigMap',
    } as unknown as HelmRunner;
    const helm = timedRunner(base, (action, success, seconds) => seen.push(`${action} ${success} ${seconds >= 0}`));
    assert.deepEqual(await helm.install({} as never), { revision: 1 });
    await assert.rejects(helm.upgrade({} as never), /boom/);
    assert.equal(await helm.manifest({} as never), 'kind: ConfigMap');
    assert.deepEqual(seen, ['install true true', 'upgrade false true']);
  });
});
