import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Command, commandOf } from '../../src/config/command.ts';

describe('commandOf', () => {
  const cases: Array<[string[], Command]> = [
    [[], { kind: 'help', role: undefined }],
    [['help'], { kind: 'help', role: undefined }],
    [['help', 'worker'], { kind: 'help', role: 'worker' }],
    [['-v'], { kind: 'version' }],
    [['version'], { kind: 'version' }],
    [['ctl', 'get', 'hr', '--help'], { kind: 'ctl', argv: ['get', 'hr', '--help'] }],
    [['ctl', '--version'], { kind: 'ctl', argv: ['--version'] }],
    [['worker', '--concurrency', '2'], { kind: 'start' }],
    [['--version'], { kind: 'version' }],
    [['--help'], { kind: 'help', role: undefined }],
    [['-h'], { kind: 'help', role: undefined }],
    [['daemon', '--help'], { kind: 'help', role: 'daemon' }],
    [['run', '--listen', ':1', '-h'], { kind: 'help', role: 'run' }],
    [['fly', '--help'], { kind: 'help', role: undefined }],
    [['worker', '--version'], { kind: 'start' }], // the parser refuses it, naming --version
  ];
  for (const [argv, expected] of cases) {
    it(`capstan ${argv.join(' ') || '(nothing)'} → ${expected.kind}`, () => assert.deepEqual(commandOf(argv), expected));
  }
});
