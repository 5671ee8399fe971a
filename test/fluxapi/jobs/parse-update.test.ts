import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FluxApiError } from '../../../src/fluxapi/jobs/api-error.ts';
import { parseUpdateRequest } from '../../../src/fluxapi/jobs/parse-update.ts';

const cause = { Message: '', User: '' };
const release = (spec: Record<string, unknown>) => ({ type: 'image', cause, spec: { ServiceSpecs: ['<all>'], ImageSpec: 'r.io/web:2', Kind: 'execute', Excludes: null, Force: false, ...spec } });

describe('POST /v9/update-manifests bodies, as fluxctl 1.25 sends them', () => {
  it('reads sync, release and policy requests', () => {
    assert.deepEqual(parseUpdateRequest({ type: 'sync', cause, spec: {} }), { type: 'sync', cause: { message: '', user: '' } });
    assert.deepEqual(parseUpdateRequest(release({ ServiceSpecs: ['Apps:Deployment/web'], Excludes: ['apps:deployment/db'], Kind: 'plan', Force: true })), {
      type: 'image', cause: { message: '', user: '' },
      release: { workloads: ['Apps:deployment/web'], image: 'r.io/web:2', kind: 'plan', excludes: ['apps:deployment/db'], force: true },
    });
    assert.deepEqual(parseUpdateRequest(release({ ServiceSpecs: ['<all>'], ImageSpec: '<all latest>' })), {
      type: 'image', cause: { message: '', user: '' }, release: { workloads: 'all', image: 'latest', kind: 'execute', excludes: [], force: false },
    });
    assert.deepEqual(parseUpdateRequest({ type: 'policy', cause: { Message: 'incident', User: 'ann' }, spec: {
      'default:deployment/web': { add: { locked: 'true', locked_user: 'ann', locked_msg: 'incident', 'tag.app': 'glob:1.*', tag_all: 'semver:~1' }, remove: { automated: 'true' } },
    } }), {
      type: 'policy', cause: { message: 'incident', user: 'ann' },
      policies: [{ workload: 'default:deployment/web', add: { locked: 'true', locked_user: 'ann', locked_msg: 'incident', 'tag.app': 'glob:1.*', tag_all: 'semver:~1' }, remove: ['automated'] }],
    });
  });

  // each bad body is a user error (400) naming the field at fault
  const bad: Array<[string, unknown, string]> = [
    ['not an object', '"sync"', 'body'],
    ['an unknown type', { type: 'auto', spec: {} }, 'type'],
    ['an interactive release', { type: 'containers', spec: {} }, 'type'],
    ['a cause that is not an object', { type: 'sync', cause: 'me' }, 'cause'],
    ['a cause message that is not a string', { type: 'sync', cause: { Message: 3 } }, 'cause.Message'],
    ['a release without workloads', release({ ServiceSpecs: [] }), 'spec.ServiceSpecs'],
    ['a release to a malformed workload id', release({ ServiceSpecs: ['deployment/web'] }), 'spec.ServiceSpecs[0]'],
    ['a release of an image without a tag', release({ ImageSpec: 'r.io/web' }), 'spec.ImageSpec'],
    ['a release of a malformed image', release({ ImageSpec: 'R.IO//web:1' }), 'spec.ImageSpec'],
    ['a release of another kind', release({ Kind: 'later' }), 'spec.Kind'],
    ['a malformed exclude', release({ Excludes: ['web'] }), 'spec.Excludes[0]'],
    ['excludes that are not a list', release({ Excludes: 'web' }), 'spec.Excludes'],
    ['a force that is not a boolean', release({ Force: 'yes' }), 'spec.Force'],
    ['a policy request without workloads', { type: 'policy', spec: {} }, 'spec'],
    ['a policy for a malformed id', { type: 'policy', spec: { web: { add: {} } } }, 'spec["web"]'],
    ['an unknown policy', { type: 'policy', spec: { 'default:deployment/web': { add: { frozen: 'true' } } } }, 'spec["default:deployment/web"].add.frozen'],
    ['a bad tag filter', { type: 'policy', spec: { 'default:deployment/web': { add: { 'tag.app': 'semver:nope' } } } }, 'spec["default:deployment/web"].add.tag.app'],
    ['a policy value that is not a string', { type: 'policy', spec: { 'default:deployment/web': { add: { automated: true } } } }, 'spec["default:deployment/web"].add.automated'],
    ['removals that are not a map', { type: 'policy', spec: { 'default:deployment/web': { remove: ['locked'] } } }, 'spec["default:deployment/web"].remove'],
  ];
  for (const [what, body, field] of bad) {
    it(`refuses ${what}, naming ${field}`, () => {
      assert.throws(() => parseUpdateRequest(typeof body === 'string' ? JSON.parse(body) : body), (err: unknown) => {
        assert.ok(err instanceof FluxApiError);
        assert.equal(err.type, 'user');
        assert.equal(err.field, field);
        return true;
      });
    });
  }
});
