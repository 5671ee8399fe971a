import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startLoop } from '../src/loop.ts';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('startLoop', () => {
  it('never overlaps runs, and a trigger that arrives mid-run makes exactly one more run right after', async () => {
    let active = 0;
    let most = 0;
    let runs = 0;
    const loop = startLoop(async () => {
      runs++;
      active++;
      most = Math.max(most, active);
      await tick(30);
      active--;
      return 60_000;
    }, () => 60_000);
    await tick(10);
    loop.runNow();
    loop.runNow();
    await tick(120);
    assert.equal(runs, 2);
    assert.equal(most, 1);
    await loop.stop();
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
      return 5;
    });
    await tick(100);
    assert.deepEqual(seen, [1, 2, 3]);
    assert.equal(calls, 4);
    await loop.stop();
  });

  it('stop waits for the run in flight and starts no other', async () => {
    let runs = 0;
    let finished = false;
    const loop = startLoop(async () => {
      runs++;
      await tick(30);
      finished = true;
      return 1;
    }, () => 1);
    await tick(5);
    await loop.stop();
    assert.equal(finished, true);
    await tick(20);
    assert.equal(runs, 1);
  });
});
