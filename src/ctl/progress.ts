// A progress line on stderr while a command waits: rewritten in place on a terminal, one line per change
// otherwise (a log keeps each state once); `done` ends it. stdout stays for the result.
export interface Progress { update(text: string): void; done(): void }

// The progress line of one wait, on `out` (default process.stderr).
export function progressLine(out: { write(s: string): unknown; isTTY?: boolean } = process.stderr): Progress {
  let last = '';
  return {
    update(text) {
      if (text === last) return;
      if (out.isTTY) out.write(`\r\x1b[K${text}`);
      else out.write(`${text}\n`);
      last = text;
    },
    done() {
      if (out.isTTY && last) out.write('\n');
      last = '';
    },
  };
}
