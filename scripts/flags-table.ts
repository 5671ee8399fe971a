// Prints the README's flag tables, generated from src/config/flags.ts: `node scripts/flags-table.ts [SECTION]`
// prints one (common, helm, daemon; default all); `--write` rewrites the marked blocks of README.md
// (`<!-- flags:SECTION -->` … `<!-- /flags -->`), which test/config/flags-readme.test.ts keeps in step.
import { readFileSync, writeFileSync } from 'node:fs';
import { FlagSection, flagTable, withFlagTables } from '../src/config/flags-markdown.ts';

const SECTIONS: readonly FlagSection[] = Object.values(FlagSection);
const readme = new URL('../README.md', import.meta.url);
const [arg] = process.argv.slice(2);

if (arg === '--write') {
  writeFileSync(readme, withFlagTables(readFileSync(readme, 'utf8')));
} else if (arg === undefined || SECTIONS.includes(arg as FlagSection)) {
  const sections = arg === undefined ? SECTIONS : [arg as FlagSection];
  process.stdout.write(sections.map((s) => `<!-- flags:${s} -->\n${flagTable(s)}\n<!-- /flags -->\n`).join('\n'));
} else {
  process.stderr.write(`usage: node scripts/flags-table.ts [--write | ${SECTIONS.join(' | ')}]\n`);
  process.exitCode = 2;
}
