import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { HelmRelease, HelmReleaseStatus } from '../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { diffText, objectDiff } from '../../src/ctl/hr/compare-objects.ts';
import { reconcileState } from '../../src/ctl/hr/reconcile-wait.ts';
import { historyOf, historyTable } from '../../src/ctl/hr/release-history.ts';
import { releasesTable } from '../../src/ctl/hr/release-table.ts';
import { formatDuration } from '../../src/ctl/output.ts';
import { progressLine } from '../../src/ctl/progress.ts';
import { encodeStoredRelease } from '../../src/kube/helm-storage.ts';

const now = new Date('2026-12-01T12:00:00Z');
const hr = (name: string, status: HelmReleaseStatus, more: Partial<HelmRelease['spec']> = {}, namespace = 'apps'): HelmRelease => ({
  apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', spec: { chart: {}, ...more },
  metadata: { name, namespace, annotations: {}, creationTimestamp: '2026-12-01T09:30:00Z' } as HelmRelease['metadata'], status,
});
const ready = (status: 'True' | 'False', message = '') => [{ type: 'Ready' as const, status, message }, { type: 'Released' as const, status, message }];

describe('get hr', () => {
  it('the CRD columns, suspension, the last action and how long it took (or runs)', () => {
    const table = releasesTable([
      hr('web', { releaseName: 'web', phase: 'Succeeded', releaseStatus: 'deployed', conditions: ready('True', 'Release was successful'),
        lastAction: { action: 'upgrade', startedAt: '2026-12-01T11:58:00Z', finishedAt: '2026-12-01T11:58:12Z', succeeded: true } }),
      hr('db', { phase: 'Upgrading', lastAction: { action: 'upgrade', startedAt: '2026-12-01T11:59:00Z' } }, { suspend: true }),
    ], now, false);
    const [head, db, web] = table.trimEnd().split('\n');
    assert.deepEqual(head?.split(/ {3,}/), ['NAME', 'RELEASE', 'PHASE', 'RELEASESTATUS', 'MESSAGE', 'AGE', 'READY', 'SUSPENDED', 'LAST ACTION', 'DURATION']);
    assert.deepEqual(web?.split(/ {3,}/), ['web', 'web', 'Succeeded', 'deployed', 'Release was successful', '2h', 'True', 'False', 'upgrade succeeded', '12s']);
    assert.equal(db?.slice(head?.indexOf('SUSPENDED')), 'True        upgrade running     1m', 'a running action: its duration so far');
    assert.match(table.split('\n')[1] ?? '', /^db +Upgrading +2h +Unknown +True +upgrade running +1m$/);
  });

  it('lists every namespace with a NAMESPACE column, sorted', () => {
    const table = releasesTable([hr('b', {}, {}, 'two'), hr('a', {}, {}, 'two'), hr('z', {}, {}, 'one')], now, true);
    assert.deepEqual(table.trimEnd().split('\n').map((l) => l.split(/ +/).slice(0, 2)), [['NAMESPACE', 'NAME'], ['one', 'z'], ['two', 'a'], ['two', 'b']]);
  });

  const durations: Array<[number | undefined, string]> = [[undefined, ''], [850, '850ms'], [12_400, '12s'], [184_000, '3m4s'], [7_500_000, '2h5m'], [3 * 86_400_000 + 4 * 3_600_000, '3d4h']];
  for (const [ms, text] of durations) it(`a duration of ${ms} ms reads ${text || '(nothing)'}`, () => assert.equal(formatDuration(ms), text));
});

describe('reconcile hr waits for the request to be handled', () => {
  const at = '2026-12-01T11:59:59.000Z';
  const table: Array<[string, HelmReleaseStatus, string]> = [
    ['not yet handled', { phase: 'Succeeded', lastHandledReconcileAt: 'earlier' }, 'apps/web: reconciling (phase Succeeded)'],
    ['an upgrade running', { phase: 'Upgrading', lastAction: { action: 'upgrade', startedAt: at } }, 'apps/web: reconciling (phase Upgrading, upgrade running)'],
    ['handled and Ready', { phase: 'Succeeded', lastHandledReconcileAt: at, conditions: ready('True', 'Release was successful') }, 'apps/web reconciled: phase Succeeded: Release was successful'],
    ['handled and failed', { phase: 'ChartFetchFailed', lastHandledReconcileAt: at, conditions: ready('False', 'no version 9.9.9') }, 'apps/web failed: phase ChartFetchFailed: no version 9.9.9'],
    ['handled, rolled back', { phase: 'RolledBack', lastHandledReconcileAt: at, conditions: ready('True', 'rolled back') }, 'apps/web failed: phase RolledBack: rolled back'],
  ];
  for (const [name, status, text] of table) {
    it(name, () => {
      const state = reconcileState(hr('web', status), at);
      assert.equal(state.done ? state.summary : state.progress, `HelmRelease ${text}`);
      if (state.done) assert.equal(state.failed, text.includes('failed'));
    });
  }
});

describe('history hr', () => {
  const stored = (version: number, status: string, description: string) => ({
    name: `sh.helm.release.v1.web.v${version}`,
    release: encodeStoredRelease({ version, info: { status, description, last_deployed: `2026-12-01T10:0${version}:00.123Z` }, chart: { metadata: { name: 'hello', version: '0.1.0', appVersion: '1.0' } } }),
  });

  it('reads each storage Secret: revision, time, status, chart, app version and the reason recorded', () => {
    const entries = historyOf([stored(1, 'superseded', 'Capstan: not installed'), stored(2, 'deployed', 'Capstan: the desired inputs changed')]);
    assert.deepEqual(entries.map((e) => [e.revision, e.status, e.chart, e.appVersion, e.description]), [
      [2, 'deployed', 'hello-0.1.0', '1.0', 'Capstan: the desired inputs changed'], [1, 'superseded', 'hello-0.1.0', '1.0', 'Capstan: not installed']]);
    assert.match(historyTable(entries).split('\n')[1] ?? '', /^1 +2026-12-01T10:01:00Z +superseded +hello-0\.1\.0 +1\.0 +Capstan: not installed$/);
  });

  it('a Secret that cannot be read is a row saying so', () => {
    const [entry] = historyOf([{ name: 'sh.helm.release.v1.web.v3', release: Buffer.from('not a release').toString('base64') }]);
    assert.deepEqual([entry?.revision, entry?.status], [3, 'unreadable']);
  });
});

describe('diff hr objects', () => {
  const live: KubernetesObject & { data: Record<string, string> } = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'apps', resourceVersion: '9', uid: 'u', managedFields: [{}] }, data: { password: 'c2VjcmV0' } };
  it('leaves out what the server writes, and shows a hash for each Secret value, never the value', () => {
    const text = diffText(live, []);
    assert.doesNotMatch(text, /resourceVersion|uid|managedFields|c2VjcmV0/);
    assert.match(text, /password: \(sha256:[0-9a-f]{12}\)/);
    const next: KubernetesObject & { data: Record<string, string> } = { ...live, data: { password: 'bmV3' } };
    const changed = objectDiff(live, next, []);
    assert.match(changed, /^- {2}password: \(sha256:/m);
    assert.doesNotMatch(changed, /bmV3/);
  });

  it('redacts values that came from Secrets wherever they appear', () => {
    const cm: KubernetesObject & { data: Record<string, string> } = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'apps' }, data: { url: 'https://user:hunter2@db' } };
    assert.doesNotMatch(objectDiff(undefined, cm, ['hunter2']), /hunter2/);
  });
});

describe('the progress line', () => {
  it('on a terminal rewrites one line; elsewhere writes each new state once', () => {
    let tty = '';
    const t = progressLine({ isTTY: true, write: (s: string) => { tty += s; } });
    t.update('a');
    t.update('b');
    t.done();
    assert.equal(tty, '\r\x1b[Ka\r\x1b[Kb\n');
    let log = '';
    const l = progressLine({ write: (s: string) => { log += s; } });
    l.update('a');
    l.update('a');
    l.update('b');
    l.done();
    assert.equal(log, 'a\nb\n');
  });
});
