import { gzipSync } from 'node:zlib';

// One entry of a hand-made tar: a file (string or bytes), or any header a hostile archive may hold.
export type FixtureEntry =
  | { name: string; data: string | Buffer }
  | { name: string; type: '5' } // directory
  | { name: string; type: '1' | '2'; link: string } // hard link, symbolic link
  | { name: string; type: '3' | '6' } // character device, FIFO
  | { name: string; type: 'x'; records: Record<string, string> } // pax header for the next entry
  | { name: string; size: number }; // a file whose header declares `size` bytes of zeros

function header(name: string, type: string, size: number, link = ''): Buffer {
  const block = Buffer.alloc(512);
  block.write(name, 0, 100, 'utf8');
  block.write('0000644\0', 100, 'latin1');
  block.write('0000000\0', 108, 'latin1');
  block.write('0000000\0', 116, 'latin1');
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  block.write('00000000000\0', 136, 'latin1');
  block.write(type, 156, 'latin1');
  block.write(link, 157, 100, 'utf8');
  block.write('ustar\0' + '00', 257, 'latin1');
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

const pad = (data: Buffer): Buffer => Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]);

function pax(records: Record<string, string>): Buffer {
  return Buffer.from(Object.entries(records).map(([key, value]) => {
    const body = ` ${key}=${value}\n`;
    let length = body.length + 1;
    while (`${length}${body}`.length !== length) length++;
    return `${length}${body}`;
  }).join(''));
}

// A gzip-compressed tar of `entries`, in order, written header by header (ustar), so a test can build archives
// no ordinary tool would: links out of the root, `..` names, devices, lying sizes.
export function tarGz(entries: readonly FixtureEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    if ('data' in e) {
      const data = typeof e.data === 'string' ? Buffer.from(e.data) : e.data;
      parts.push(header(e.name, '0', data.length), pad(data));
    } else if ('size' in e) {
      parts.push(header(e.name, '0', e.size), Buffer.alloc(Math.ceil(e.size / 512) * 512));
    } else if (e.type === 'x') {
      const data = pax(e.records);
      parts.push(header(e.name, 'x', data.length), pad(data));
    } else {
      parts.push(header(e.name, e.type, 0, 'link' in e ? e.link : ''));
    }
  }
  parts.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(parts));
}

// A small valid chart archive (`hello/Chart.yaml`, `hello/values.yaml`) plus any extra entries.
export function chartTgz(extra: readonly FixtureEntry[] = []): Buffer {
  return tarGz([
    { name: 'hello/Chart.yaml', data: 'apiVersion: v2\nname: hello\nversion: 1.2.0\n' },
    { name: 'hello/values.yaml', data: 'greeting: hello\n' },
    ...extra,
  ]);
}
