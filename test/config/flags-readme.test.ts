import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { FLAGS } from '../../src/config/flags.ts';
import { withFlagTables } from '../../src/config/flags-markdown.ts';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const SCRIPT = new URL('../../scripts/flags-table.ts', import.meta.url).pathname;

describe('the README\'s flag tables', () => {
  it('are what scripts/flags-table.ts generates from src/config/flags.ts', () => {
    const run = spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(run.status, 0, run.stderr);
    const blocks = run.stdout.split(/\n(?=<!-- flags:)/);
    assert.equal(blocks.length, 3);
    for (const block of blocks) assert.ok(README.includes(block.trimEnd()), `README.md is stale, run node scripts/flags-table.ts --write:\n${block}`);
    assert.equal(withFlagTables(README), README);
  });

  it('list every flag', () => {
    for (const flag of Object.keys(FLAGS)) assert.ok(README.includes(`| \`--${flag}\``), flag);
  });
});
