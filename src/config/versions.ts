// `capstan --version`: Capstan's version, then helm's (`helm version --short`, or that none was found), then
// Node's, one `name: version` per line.
export function versionText(v: { capstan: string; helm: string | undefined; node: string }): string {
  return `capstan: ${v.capstan}\nhelm: ${v.helm ?? 'not found'}\nnode: ${v.node}\n`;
}
