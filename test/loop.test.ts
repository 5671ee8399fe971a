import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { startLoop } from '../src/loop.ts';

// The loop's timers are mocked: time moves only by mock.timers.tick. `settle` lets pending promise callbacks run
// (one turn of the event loop; setImmediate is not mocked).
const settle = () => new Promise((resolve) => setImmediate(resolve));
const tick = async (ms: number) => {
  mock.timers.tick(ms);
  await settle();
};

// A body that counts its runs, overlapping ones too, and ends each run only when the test lets it (`finish()`).
function gatedBody(next: number) {
  const gates: Array<() => void> = [];
  const state = { runs: 0, active: 0, most: 0 };
  const body = async () => {
    state.runs++;
    state.most = Math.max(state.most, ++state.active);
    await new Promise<void>((resolve) => gates.push(resolve));
    state.active--;
    return next;
  };
  const finish = async () => {
    gates.shift()?.();
    await settle();
  };
  return { body, state, finish };
}

describe('startLoop', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  it('never overlaps runs, and a trigger that arrives mid-run makes exactly one more run right after', async () => {
    const { body, state, finish } = gatedBody(60_000);
    const loop = startLoop(body, () => 60_000);
    await tick(0);
    assert.equal(state.runs, 1);
    loop.runNow();
    loop.runNow();
    await tick(1_000);
    assert.equal(state.runs, 1, 'no run starts while one is in flight');
    await finish();
    await tick(0);
    assert.equal(state.runs, 2, 'the triggers made one more run, at once');
    await finish();
    await tick(59_999);
    assert.equal(state.runs, 2, 'the two triggers made only one run');
    await tick(1);
    assert.equal(state.runs, 3, 'then the next run comes after the delay the body returned');
    assert.equal(state.most, 1);
    const stopped = loop.stop();
    await finish();
    await stopped;
  });

  it('backs off after failures with the delay onError gives, counting failures in a row', async () => {
    const seen: number[] = [];
    let calls = 0;
    const loop = startLoop(async () => {
      calls++;
      if (calls < 4) throw new Error(`boom ${calls}`);
      return 60_000;
    }, (err, failures) => {
      seen.push(failures);
      assert.equal(err.message, `boom ${failures}`);
      return failures * 100;
    });
    await tick(0);
    assert.deepEqual([calls, seen], [1, [1]]);
    await tick(99);
    assert.equal(calls, 1, 'waits the 100 ms onError gave after the first failure');
    await tick(1);
    await tick(199);
    assert.deepEqual([calls, seen], [2, [1, 2]], 'and 200 ms after the second');
    await tick(1);
    await tick(300);
    assert.deepEqual([calls, seen], [4, [1, 2, 3]]);
    await tick(60_000);
    assert.equal(calls, 5, 'a success resets the backoff to the delay the body returned');
    await loop.stop();
  });

  it('stop waits for the run in flight and starts no other', async () => {
    const { body, state, finish } = gatedBody(1);
    const loop = startLoop(body, () => 1);
    await tick(0);
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    loop.runNow();
    await settle();
    assert.equal(stopped, false, 'stop waits while the run is in flight');
    await finish();
    await stopping;
    assert.equal(state.active, 0);
    await tick(1_000);
    assert.equal(state.runs, 1);
  });
});
