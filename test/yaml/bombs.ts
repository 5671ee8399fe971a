// Hostile YAML for tests: the "billion laughs" of issue 9, nine levels of nine aliases, 432 bytes that expand
// to 9^8 copies of a 9-string list (over 5 GB as JSON).
export function billionLaughs(): string {
  const lines = ['a: &a ["lolol", "lolol", "lolol", "lolol", "lolol", "lolol", "lolol", "lolol", "lolol"]'];
  const names = 'abcdefghi';
  for (let i = 1; i < names.length; i++) {
    const prev = names[i - 1] as string;
    lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${prev}`).join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

// The same bomb one level down, under `key` (a values key, a manifest's `data`, an index's entries).
export function billionLaughsUnder(key: string): string {
  return `${key}:\n${billionLaughs().split('\n').filter(Boolean).map((line) => `  ${line}`).join('\n')}\n`;
}
