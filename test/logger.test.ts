import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '../src/logger.ts';

// A destination that keeps what is written, as the process's stdout would receive it.
function capture(): Writable & { text: () => string } {
  let out = '';
  const stream = new Writable({ write: (chunk: Buffer, _enc, done) => { out += chunk.toString(); done(); } });
  return Object.assign(stream, { text: () => out });
}

describe('createLogger', () => {
  it('--log-format json writes one JSON object per line, with the role', () => {
    const out = capture();
    createLogger({ logLevel: 'info', logFormat: 'json', role: 'worker' }, out).info({ release: 'ns/web' }, 'next action');
    const line = JSON.parse(out.text()) as Record<string, unknown>;
    assert.equal(line.msg, 'next action');
    assert.equal(line.role, 'worker');
    assert.equal(line.release, 'ns/web');
  });

  it('--log-format text writes lines a person reads: time, level, role, message, then the fields', () => {
    const out = capture();
    const log = createLogger({ logLevel: 'info', logFormat: 'text', role: 'operator' }, out);
    log.warn({ release: 'ns/web' }, 'cannot enqueue release');
    log.debug('below the level');
    const [first, ...rest] = out.text().trimEnd().split('\n');
    assert.match(first ?? '', /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] WARN: operator: cannot enqueue release$/);
    assert.deepEqual(rest, ['    release: "ns/web"']);
    assert.throws(() => JSON.parse(out.text()));
  });
});
