import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Config } from '../../src/config.ts';
import { rolesOf, STOP_ORDER } from '../../src/roles/role.ts';

describe('rolesOf', () => {
  const source = [{}] as unknown as Config['syncSources'];
  const cases: Array<[Config['role'], Config['syncSources'], string[]]> = [
    ['daemon', source, ['daemon']],
    ['operator', [], ['operator']],
    ['worker', [], ['worker']],
    ['run', source, ['daemon', 'operator', 'worker']],
    ['run', [], ['operator', 'worker']], // no Git source: no daemon
  ];
  for (const [role, syncSources, expected] of cases) {
    it(`${role} with ${syncSources.length} Git source(s) starts ${expected.join(', ')}`, () => assert.deepEqual(rolesOf({ role, syncSources }), expected));
  }

  it('stops the workers first, so their helm runs finish while the rest still runs', () => {
    assert.equal(STOP_ORDER[0], 'worker');
    assert.deepEqual([...STOP_ORDER].sort(), ['daemon', 'operator', 'worker']);
  });
});
