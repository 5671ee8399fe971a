// Why a YAML text was refused. `limit` errors (size, aliases, depth) never quote the input, so they may be shown
// even for a Secret; `syntax` errors (bad YAML, a value helm cannot read) may quote it.
export const YamlProblem = { Syntax: 'syntax', Limit: 'limit' } as const;
export type YamlProblem = (typeof YamlProblem)[keyof typeof YamlProblem];

// A YAML text that cannot be read: `reason` says why, `line` (1-based) where the reader stopped, when known; the
// message is the reason followed by the line.
export class YamlError extends Error {
  override name = 'YamlError';
  readonly problem: YamlProblem;
  readonly reason: string;
  readonly line: number | undefined;

  constructor(problem: YamlProblem, reason: string, line?: number) {
    super(line === undefined ? reason : `${reason} (line ${line})`);
    this.problem = problem;
    this.reason = reason;
    this.line = line;
  }
}
