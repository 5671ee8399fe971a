import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { automatedContainers, imageFilter, planUpdates, type RepositoryScan, type WorkloadInGit } from '../../../src/image/automation/plan-updates.ts';
import { autoReleaseMessage } from '../../../src/image/automation/commit-message.ts';
import { releaseKey } from '../../../src/image/automation/release-history.ts';
import { parseImageRef } from '../../../src/image/image-ref.ts';

const wl = (name: string, image: string, annotations: Record<string, string>): WorkloadInGit => ({
  file: `${name}.yaml`,
  workload: { id: `default:deployment/${name}`, kind: 'Deployment', namespace: 'default', name, annotations, containers: [{ name: 'app', image }], imagePullSecrets: [] },
});
const auto = (filter?: string) => ({ 'fluxcd.io/automated': 'true', ...(filter ? { 'fluxcd.io/tag.app': filter } : {}) });
const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
const scan = (tags: Array<[string, number?]>, pending: string[] = []): RepositoryScan => ({
  tags: tags.map(([tag, m]) => ({ tag, created: m === undefined ? undefined : at(m) })), pending: new Set(pending),
});
const all = () => true;

describe('automatedContainers and planUpdates: fluxd\'s automation decision', () => {
  const plan = (workloads: WorkloadInGit[], scans: Record<string, RepositoryScan>, released: string[] = []) => {
    const picked = automatedContainers(workloads, all);
    const result = planUpdates(picked.candidates, (r) => scans[r], new Set(released));
    return { updates: result.updates.map((u) => `${u.workload.name} ${u.image}`), skipped: [...picked.skipped, ...result.skipped].map((s) => `${s.workload} ${s.reason}`) };
  };

  it('semver orders by version; glob and regex by creation time; only automated, unlocked, unignored workloads', () => {
    const result = plan([
      wl('sv', 'reg.example/sv:1.0.0', auto('semver:~1')),
      wl('gl', 'reg.example/gl:main-1', auto('glob:main-*')),
      wl('rx', 'reg.example/rx:b1', auto('regex:^b[0-9]+$')),
      wl('manual', 'reg.example/sv:1.0.0', {}),
      wl('locked', 'reg.example/sv:1.0.0', { ...auto(), 'fluxcd.io/locked': 'true' }),
      wl('ignored', 'reg.example/sv:1.0.0', { ...auto(), 'fluxcd.io/ignore': 'true' }),
      wl('string', 'reg.example/sv:1.0.0', { 'fluxcd.io/automated': 'yes' }),
    ], {
      'reg.example/sv': scan([['1.0.0'], ['1.2.0'], ['1.10.0'], ['2.0.0'], ['1.11.0-rc.1']]),
      'reg.example/gl': scan([['main-1', 1], ['main-2', 3], ['main-3', 2], ['other', 9]]),
      'reg.example/rx': scan([['b1', 1], ['b12', 5], ['b7', 4], ['bx', 8], ['latest', 9]]),
    });
    assert.deepEqual(result.updates, ['sv reg.example/sv:1.10.0', 'gl reg.example/gl:main-2', 'rx reg.example/rx:b12']);
  });

  it('an up-to-date container, or no admitted tag, changes nothing', () => {
    const result = plan([wl('a', 'r.io/a:2', auto('semver:>=2')), wl('b', 'r.io/b:x', auto('glob:v*'))], {
      'r.io/a': scan([['1'], ['2']]), 'r.io/b': scan([['x', 1]]),
    });
    assert.deepEqual(result, { updates: [], skipped: [] });
  });

  it('a tag without a creation time is passed over with a reason; the rest still decide', () => {
    const result = plan([wl('a', 'r.io/a:1', auto('glob:*'))], { 'r.io/a': scan([['1', 1], ['2', 2], ['3']]) });
    assert.deepEqual(result.updates, ['a r.io/a:2']);
    assert.deepEqual(result.skipped, ['default:deployment/a tag 3: image has no creation time; a time-ordered filter cannot place it']);
  });

  it('waits while a time-ordered filter lacks metadata it needs, or the repository could not be read', () => {
    const result = plan([wl('a', 'r.io/a:1', auto('glob:*')), wl('b', 'r.io/b:1', auto()), wl('c', 'r.io/c:1', auto('semver:*'))], {
      'r.io/a': scan([['1', 1], ['2']], ['2']), 'r.io/b': { tags: [], pending: new Set(), error: 'r.io/b: 503' }, 'r.io/c': scan([['1'], ['2']], ['2']),
    });
    assert.deepEqual(result.updates, ['c r.io/c:2'], 'a semver filter needs no metadata');
    assert.deepEqual(result.skipped, ['default:deployment/a metadata of 1 tag(s) of r.io/a not fetched yet', 'default:deployment/b repository r.io/b not scanned: r.io/b: 503']);
  });

  it('holds a tag Capstan released before and a human reverted, until a newer one appears', () => {
    const w = wl('a', 'r.io/a:1.1.0', auto('semver:*'));
    const held = plan([w], { 'r.io/a': scan([['1.1.0'], ['1.2.0']]) }, [releaseKey(w.workload.id, 'app', 'r.io/a:1.2.0')]);
    assert.deepEqual(held.updates, []);
    assert.match(held.skipped[0] ?? '', /held at 1\.1\.0: r\.io\/a:1\.2\.0 was released before/);
    const newer = plan([w], { 'r.io/a': scan([['1.1.0'], ['1.2.0'], ['1.3.0']]) }, [releaseKey(w.workload.id, 'app', 'r.io/a:1.2.0')]);
    assert.deepEqual(newer.updates, ['a r.io/a:1.3.0']);
  });

  it('reports a bad filter or image naming the container, and keeps the image as written (Docker Hub short names)', () => {
    const result = plan([wl('bad', 'r.io/a:1', auto('semver:not a range')), wl('hub', 'nginx:1.25', auto('semver:~1.25'))], {
      'docker.io/library/nginx': scan([['1.25'], ['1.25.3'], ['1.26.0']]),
    });
    assert.deepEqual(result.updates, ['hub nginx:1.25.3']);
    assert.match(result.skipped[0] ?? '', /^default:deployment\/bad tag filter for container app: .*not a semver range/);
  });

  it('include/exclude globs match the name as written and its canonical forms', () => {
    const f = imageFilter(['docker.io/library/*', 'r.io/*'], ['r.io/private*']);
    const check = (image: string) => f(image, parseImageRef(image));
    assert.deepEqual(['nginx:1', 'index.docker.io/library/redis', 'r.io/a:1', 'r.io/private/x:1', 'q.io/a:1'].map(check), [true, true, true, false, false]);
    assert.equal(imageFilter([], ['k8s.gcr.io/*'])('k8s.gcr.io/pause:3', parseImageRef('k8s.gcr.io/pause:3')), false);
  });

  it('writes fluxd\'s commit messages with one trailer per container', () => {
    const picked = automatedContainers([wl('a', 'r.io/a:1', auto('semver:*')), wl('b', 'r.io/a:1', auto('semver:*'))], all);
    const { updates } = planUpdates(picked.candidates, () => scan([['1'], ['2']]), new Set());
    assert.equal(autoReleaseMessage(updates), 'Auto-release r.io/a:2\n\nCapstan-Release: default:deployment/a app r.io/a:2\nCapstan-Release: default:deployment/b app r.io/a:2\n');
    const two = planUpdates(automatedContainers([wl('a', 'r.io/a:1', auto('semver:*')), wl('c', 'r.io/c:1', auto('semver:*'))], all).candidates, () => scan([['1'], ['2']]), new Set());
    assert.match(autoReleaseMessage(two.updates), /^Auto-release multiple \(2\) images\n\n - r\.io\/a:2\n - r\.io\/c:2\n\nCapstan-Release: /);
  });
});
