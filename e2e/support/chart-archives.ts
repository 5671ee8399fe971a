import { createHash } from 'node:crypto';
import { createGzip } from 'node:zlib';

const BLOCK = 512;

// A ustar header for a regular file of `size` bytes.
function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write(`${Math.floor(Date.now() / 1000).toString(8).padStart(11, '0')}\0`, 136);
  h.write('        ', 148); // the checksum counts itself as blanks
  h.write('0', 156);
  h.write('ustar\u000000', 257, 'latin1');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

// A gzipped tar of a chart `name` whose Chart.yaml is fine and whose templates/padding.txt holds `bytes` zeros: about
// 4 KiB per MiB on the wire that unpack to `bytes` (a decompression bomb).
export async function gzipBombChart(name: string, version: string, bytes: number): Promise<Buffer> {
  const gzip = createGzip({ level: 1 });
  const out: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise((resolve, reject) => gzip.on('end', resolve).on('error', reject));
  const write = async (data: Buffer) => { if (!gzip.write(data)) await new Promise((r) => gzip.once('drain', r)); };
  const chart = Buffer.from(`apiVersion: v2\nname: ${name}\nversion: ${version}\n`);
  await write(tarHeader(`${name}/Chart.yaml`, chart.length));
  await write(Buffer.concat([chart, Buffer.alloc((BLOCK - (chart.length % BLOCK)) % BLOCK)]));
  await write(tarHeader(`${name}/templates/padding.txt`, bytes));
  const zeros = Buffer.alloc(1 << 20);
  for (let left = bytes; left > 0; left -= zeros.length) await write(left >= zeros.length ? zeros : zeros.subarray(0, left));
  await write(Buffer.alloc((BLOCK - (bytes % BLOCK)) % BLOCK + 2 * BLOCK));
  gzip.end();
  await done;
  return Buffer.concat(out);
}

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

// A repository index.yaml listing one version of each chart at the given URL (with the archive's digest when known).
export function chartIndex(charts: Array<{ name: string; version: string; url: string; digest?: string }>): string {
  const entries = charts.map((c) => `  ${c.name}:\n  - apiVersion: v2\n    name: ${c.name}\n    version: ${c.version}\n    urls: [${JSON.stringify(c.url)}]\n${c.digest ? `    digest: ${c.digest}\n` : ''}`);
  return `apiVersion: v1\nentries:\n${entries.join('')}generated: "2026-01-01T00:00:00Z"\n`;
}
