// A minimal reader of tar streams (POSIX ustar, pax and GNU long names), enough to inspect a chart archive
// before helm sees it and to read one file out of it, without unpacking anything to disk.

// The kinds of entry a chart may hold; anything else (devices, FIFOs, sparse or multi-volume parts) is 'other'.
export const TarType = { File: 'file', Directory: 'directory', Symlink: 'symlink', Hardlink: 'hardlink', Other: 'other' } as const;
export type TarType = (typeof TarType)[keyof typeof TarType];

// One entry, with its pax and GNU long-name extensions applied. `flag` is the raw type flag, for messages.
export interface TarEntry { name: string; type: TarType; flag: string; linkName: string; size: number; data?: Buffer }

// The stream is not a tar archive this reader accepts (bad checksum, truncated, a pax header it refuses).
export class TarFormatError extends Error {
  override name = 'TarFormatError';
}

const BLOCK = 512;
const MAX_META_BYTES = 1024 * 1024; // a pax header or GNU long name larger than this is not a real chart's
const TYPES: Record<string, TarType> = {
  '0': TarType.File, '\0': TarType.File, '7': TarType.File, '1': TarType.Hardlink, '2': TarType.Symlink, '5': TarType.Directory,
};
const padded = (size: number): number => Math.ceil(size / BLOCK) * BLOCK;

// Exact-size reads from an async byte stream: `take` gives n bytes (undefined at a clean end), `skip` drops them.
function byteReader(source: AsyncIterable<Uint8Array>) {
  const it = source[Symbol.asyncIterator]();
  let buf = Buffer.alloc(0);
  const fill = async (): Promise<boolean> => {
    const next = await it.next();
    if (next.done) return false;
    buf = buf.length ? Buffer.concat([buf, next.value]) : Buffer.from(next.value);
    return true;
  };
  return {
    async take(n: number): Promise<Buffer | undefined> {
      while (buf.length < n) {
        if (!(await fill())) {
          if (buf.length === 0) return undefined;
          throw new TarFormatError('the archive ends in the middle of an entry');
        }
      }
      const out = buf.subarray(0, n);
      buf = buf.subarray(n);
      return out;
    },
    async skip(n: number): Promise<void> {
      let left = n;
      while (left > 0) {
        if (buf.length === 0 && !(await fill())) throw new TarFormatError('the archive ends in the middle of an entry');
        const drop = Math.min(left, buf.length);
        buf = buf.subarray(drop);
        left -= drop;
      }
    },
  };
}

const text = (block: Buffer, start: number, length: number): string => {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString('utf8');
};

// A numeric header field: octal text, or GNU's base-256 when the high bit of the first byte is set.
function numberField(block: Buffer, start: number, length: number): number {
  const field = block.subarray(start, start + length);
  if ((field[0] ?? 0) & 0x80) {
    if (field[0] === 0xff) throw new TarFormatError('a header holds a negative number');
    let value = (field[0] ?? 0) & 0x7f;
    for (const byte of field.subarray(1)) value = value * 256 + byte;
    if (!Number.isSafeInteger(value)) throw new TarFormatError('a header holds a number too large');
    return value;
  }
  const digits = field.toString('latin1').replace(/[\0 ]+$/, '').replace(/^ +/, '');
  if (!/^[0-7]*$/.test(digits)) throw new TarFormatError('a header holds a number that is not octal');
  return digits ? Number.parseInt(digits, 8) : 0;
}

function checksumMatches(block: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
  return numberField(block, 148, 8) === sum;
}

// Parses a pax extended header into its records ("<len> key=value\n" each).
function paxRecords(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const length = space === -1 ? Number.NaN : Number(data.toString('latin1', at, space));
    if (!Number.isSafeInteger(length) || length <= space - at || at + length > data.length) {
      throw new TarFormatError('a pax header is malformed');
    }
    const record = data.toString('utf8', space + 1, at + length - 1);
    const eq = record.indexOf('=');
    if (eq <= 0) throw new TarFormatError('a pax header record has no key');
    records.set(record.slice(0, eq), record.slice(eq + 1));
    at += length;
  }
  return records;
}

// What pax and GNU long-name headers say about the entry that follows them.
interface Pending { name?: string; linkName?: string; size?: number }

function applyPax(pending: Pending, records: Map<string, string>, global: boolean): void {
  for (const [key, value] of records) {
    // GNU tar and Go's archive/tar rename entries from these; a chart never needs them
    if (key.startsWith('GNU.sparse.')) throw new TarFormatError(`a pax header uses ${key} (sparse files)`);
    if (global && (key === 'path' || key === 'linkpath' || key === 'size')) throw new TarFormatError(`a global pax header sets ${key}`);
    if (key === 'path') pending.name = value;
    else if (key === 'linkpath') pending.linkName = value;
    else if (key === 'size') {
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new TarFormatError('a pax header sets an invalid size');
      pending.size = Number(value);
    }
  }
}

// The name in a header: POSIX ustar joins prefix and name; star's prefix is shorter; GNU has no prefix.
function headerName(block: Buffer): string {
  const name = text(block, 0, 100);
  if (block.toString('latin1', 257, 263) !== 'ustar\0') return name;
  const star = block.toString('latin1', 508, 512) === 'tar\0';
  const prefix = text(block, 345, star ? 131 : 155);
  return prefix ? `${prefix}/${name}` : name;
}

// The entries of a tar stream in order. An entry's data is read (into `data`) only when `keep` says so and it is
// at most `maxKeep` bytes; otherwise it is skipped. Stops at the end-of-archive block or the end of the stream.
export async function* tarEntries(source: AsyncIterable<Uint8Array>, opts: { keep?: (e: TarEntry) => boolean; maxKeep?: number } = {}): AsyncGenerator<TarEntry> {
  const reader = byteReader(source);
  let pending: Pending = {};
  for (;;) {
    const block = await reader.take(BLOCK);
    if (!block || block.every((b) => b === 0)) return;
    if (!checksumMatches(block)) throw new TarFormatError('a header checksum does not match (not a tar archive, or a corrupt one)');
    const flag = String.fromCharCode(block[156] ?? 0);
    const type = TYPES[flag] ?? TarType.Other;
    const headerOnly = type === TarType.Directory || type === TarType.Symlink || type === TarType.Hardlink;
    const size = headerOnly ? 0 : (pending.size ?? numberField(block, 124, 12));
    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
      if (size > MAX_META_BYTES) throw new TarFormatError(`a ${flag} header is larger than ${MAX_META_BYTES} bytes`);
      const data = (await reader.take(padded(size)))?.subarray(0, size);
      if (!data) throw new TarFormatError('the archive ends in the middle of an entry');
      if (flag === 'x' || flag === 'g') applyPax(flag === 'x' ? pending : {}, paxRecords(data), flag === 'g');
      else if (flag === 'L') pending.name = text(data, 0, data.length);
      else pending.linkName = text(data, 0, data.length);
      continue;
    }
    const entry: TarEntry = { name: pending.name ?? headerName(block), type, flag, linkName: pending.linkName ?? text(block, 157, 100), size };
    pending = {};
    if (size > 0 && opts.keep?.(entry) && size <= (opts.maxKeep ?? MAX_META_BYTES)) {
      entry.data = (await reader.take(padded(size)))?.subarray(0, size);
      if (!entry.data) throw new TarFormatError('the archive ends in the middle of an entry');
    } else {
      await reader.skip(padded(size));
    }
    yield entry;
  }
}
