import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FLAGS } from '../../src/config/flags.ts';

// docs/migration.md cannot rot: every flag it names as Capstan's exists in src/config/flags.ts. A flag named in a
// mapping table's Capstan column, or anywhere in the prose, notes or a `capstan` command line, must be Capstan's;
// the only others allowed are the old flags the tables map from (their first column) and flags of other tools'
// command lines in code blocks (kubectl, git).

const DOC = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'migration.md'), 'utf8');
const COMMANDS = new Set(['--help', '--version']); // `capstan --help`, `capstan --version`: commands, not FLAGS
const flagsIn = (text: string): string[] => [...text.matchAll(/(?<![\w-])--[a-z][a-z0-9-]*/g)].map((m) => m[0]);
const isCapstanFlag = (flag: string): boolean => COMMANDS.has(flag) || Object.hasOwn(FLAGS, flag.slice(2));

// The cells of a markdown table row, `\|` kept inside its cell.
function cells(line: string): string[] {
  return line.trim().replace(/^\||\|$/g, '').split(/(?<!\\)\|/).map((c) => c.trim());
}

interface DocFlags {
  capstan: string[]; // named as Capstan's: the Capstan column, prose, notes, capstan command lines
  old: Set<string>; // the first column of a table with a Capstan column: fluxd's and the Helm Operator's
}

// Sorts the flags a markdown text names by where they stand.
function docFlags(text: string): DocFlags {
  const out: DocFlags = { capstan: [], old: new Set() };
  let capstanColumn = -1; // in a table with a Capstan column: its index; -1 outside one
  let fenced = false;
  for (const line of text.split('\n')) {
    if (line.trim().startsWith('```')) fenced = !fenced;
    else if (fenced) {
      if (/^\s*(bin\/)?capstan\s/.test(line)) out.capstan.push(...flagsIn(line));
    } else if (!line.trim().startsWith('|')) {
      capstanColumn = -1;
      out.capstan.push(...flagsIn(line));
    } else if (capstanColumn < 0 && cells(line).includes('Capstan')) {
      capstanColumn = cells(line).indexOf('Capstan');
    } else {
      const row = cells(line);
      row.forEach((cell, i) => {
        if (capstanColumn > 0 && i === 0) for (const f of flagsIn(cell)) out.old.add(f);
        else out.capstan.push(...flagsIn(cell));
      });
    }
  }
  return out;
}

// The flags named as Capstan's that src/config/flags.ts does not define (old flags allowed outside the Capstan column).
function unknownFlags(text: string): string[] {
  const { capstan, old } = docFlags(text);
  return [...new Set(capstan.filter((f) => !isCapstanFlag(f) && !old.has(f)))];
}

// The flags of the Capstan column alone, each of which must be Capstan's even when an old flag has its name.
function capstanColumnFlags(text: string): string[] {
  const out: string[] = [];
  let column = -1;
  for (const line of text.split('\n')) {
    if (!line.trim().startsWith('|')) column = -1;
    else if (column < 0 && cells(line).includes('Capstan')) column = cells(line).indexOf('Capstan');
    else if (column >= 0) out.push(...flagsIn(cells(line)[column] ?? ''));
  }
  return out;
}

describe('docs/migration.md', () => {
  it('names only flags that src/config/flags.ts defines as Capstan flags', () => {
    assert.deepEqual(unknownFlags(DOC), []);
    assert.deepEqual(capstanColumnFlags(DOC).filter((f) => !isCapstanFlag(f)), []);
  });

  it('maps flags in tables with a Capstan column', () => {
    assert.ok(capstanColumnFlags(DOC).length >= 40, 'the mapping tables are read');
    for (const old of ['--git-label', '--workers', '--memcached-hostname', '--tiller-namespace', '--manifest-generation']) {
      assert.ok(docFlags(DOC).old.has(old), `${old} is mapped`);
    }
  });

  describe('the check itself', () => {
    const table = (capstan: string, notes = '') => `| fluxd | Capstan | notes |\n|---|---|---|\n| \`--git-label\` | ${capstan} | ${notes} |\n`;
    const cases: Array<[string, string, string[]]> = [
      ['a Capstan flag in the Capstan column', table('`--git-sync-tag`'), []],
      ['a flag Capstan lacks in the Capstan column', table('`--git-labels`'), ['--git-labels']],
      ['an old flag in the Capstan column', table('`--git-label`'), ['--git-label']],
      ['a Capstan flag lacking in the notes', table('none', 'use `--sync-tag`'), ['--sync-tag']],
      ['an old flag in the notes', table('none', 'as `--git-label` did'), []],
      ['a flag lacking in the prose', `${table('none')}\nNew: \`--git-lable\`.\n`, ['--git-lable']],
      ['a capstan command line', '```bash\ncapstan daemon --git-urls x\nkubectl wait --for=condition=Ready hr\n```\n', ['--git-urls']],
      ['pipes escaped inside a cell', table('`--log-format text\\|json`'), []],
    ];
    for (const [name, text, expected] of cases) {
      it(name, () => assert.deepEqual([...unknownFlags(text), ...capstanColumnFlags(text).filter((f) => !isCapstanFlag(f))].filter((f, i, all) => all.indexOf(f) === i), expected));
    }
  });
});
