import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { semaphore, slottedRunner } from '../../src/helm/helm-slots.ts';
import { releaseJobsAtOnce } from '../../src/helm/release-concurrency.ts';
import type { HelmRunner } from '../../src/helm/runner.ts';

// A runner whose calls finish when the test says: how many run at once, and in which order they started.
function heldRunner() {
  let running = 0;
  let peak = 0;
  const started: string[] = [];
  const finish: Array<() => void> = [];
  const call = (verb: string) => async (o: { release: string }) => {
    running++;
    peak = Math.max(peak, running);
    started.push(`${verb} ${o.release}`);
    await new Promise<void>((r) => finish.push(r));
    running--;
    return { revision: 1 } as never;
  };
  const runner = { install: call('install'), upgrade: call('upgrade'), uninstall: call('uninstall'), manifest: call('manifest') } as unknown as HelmRunner;
  return { runner, started, finishOne: () => finish.shift()?.(), peak: () => peak };
}

const settle = () => new Promise((r) => setImmediate(r));
const target = (release: string, signal?: AbortSignal) => ({ release, namespace: 'ns', chart: 'c', values: {}, timeoutSec: 60, wait: false, ...(signal && { signal }) });

describe('slottedRunner', () => {
  it('runs at most `slots` helm calls at once, any verb, the others in the order they came', async () => {
    const h = heldRunner();
    const helm = slottedRunner(h.runner, 2);
    const calls = [helm.install(target('a')), helm.upgrade(target('b')), helm.install(target('c')), helm.uninstall(target('d') as never)];
    await settle();
    assert.deepEqual(h.started, ['install a', 'upgrade b']);
    h.finishOne();
    await settle();
    assert.deepEqual(h.started, ['install a', 'upgrade b', 'install c']);
    for (let i = 0; i < 3; i++) { h.finishOne(); await settle(); }
    await Promise.all(calls);
    assert.deepEqual(h.started, ['install a', 'upgrade b', 'install c', 'uninstall d']);
    assert.equal(h.peak(), 2);
  });

  it('a call whose job is aborted while it waits for a slot leaves the line and never runs helm', async () => {
    const h = heldRunner();
    const helm = slottedRunner(h.runner, 1);
    const first = helm.install(target('a'));
    const abort = new AbortController();
    const waiting = helm.install(target('b', abort.signal));
    const third = helm.install(target('c'));
    await settle();
    abort.abort(new Error('worker shutting down'));
    await assert.rejects(waiting, /worker shutting down/);
    h.finishOne();
    await settle();
    assert.deepEqual(h.started, ['install a', 'install c']);
    h.finishOne();
    await Promise.all([first, third]);
  });

  it('a slot is given back when helm fails', async () => {
    const failing = { install: async () => { throw new Error('helm failed'); } } as unknown as HelmRunner;
    const helm = slottedRunner(failing, 1);
    await assert.rejects(helm.install(target('a')), /helm failed/);
    await assert.rejects(helm.install(target('b')), /helm failed/); // would hang if the slot were lost
  });
});

describe('semaphore', () => {
  it('an already aborted signal is refused at once', async () => {
    const sem = semaphore(1);
    await assert.rejects(sem.acquire(AbortSignal.abort(new Error('gone'))), /gone/);
    assert.deepEqual(sem.state(), { free: 1, waiting: 0 });
  });
  it('releasing twice frees one slot only', async () => {
    const sem = semaphore(1);
    const release = await sem.acquire();
    release();
    release();
    assert.deepEqual(sem.state(), { free: 1, waiting: 0 });
  });
});

describe('releaseJobsAtOnce', () => {
  for (const [slots, jobs] of [[1, 2], [2, 3], [4, 6], [5, 8], [8, 12], [0, 2]] as const) {
    it(`--concurrency ${slots}: ${jobs} jobs at once`, () => assert.equal(releaseJobsAtOnce(slots), jobs));
  }
});
