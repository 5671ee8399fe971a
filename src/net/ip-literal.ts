// An IP address as its bytes: 4 for IPv4, 16 for IPv6.
export interface IpAddress { family: 4 | 6; bytes: Uint8Array }

// One inet_aton part: decimal, octal (leading 0) or hex (0x, digits optional as in the WHATWG URL parser).
function ipv4Part(part: string): number | undefined {
  if (/^0x[0-9a-f]*$/i.test(part)) return part.length === 2 ? 0 : Number.parseInt(part.slice(2), 16);
  if (/^0[0-7]*$/.test(part)) return Number.parseInt(part, 8);
  if (/^[1-9][0-9]*$/.test(part)) return Number(part);
  return undefined;
}

// An IPv4 address in every form that inet_aton (so getaddrinfo, curl, git) and the WHATWG URL parser accept:
// one to four parts, each decimal, octal or hex, the last filling the bytes left (`127.1`, `0x7f.1`,
// `2130706433`, `0177.0.0.1`), and one trailing dot. Undefined for anything else.
export function parseIPv4(text: string): Uint8Array | undefined {
  const parts = text.endsWith('.') ? text.slice(0, -1).split('.') : text.split('.');
  if (parts.length > 4) return undefined;
  const values = parts.map(ipv4Part);
  if (values.some((v) => v === undefined)) return undefined;
  const nums = values as number[];
  const last = nums.pop() as number;
  if (nums.some((v) => v > 255) || last >= 256 ** (4 - nums.length)) return undefined;
  const bytes = new Uint8Array(4);
  nums.forEach((v, i) => { bytes[i] = v; });
  for (let i = 3, rest = last; i >= nums.length; i--, rest = Math.floor(rest / 256)) bytes[i] = rest % 256;
  return bytes;
}

// Dotted decimal only, as inside an IPv6 address (`::ffff:127.0.0.1`).
function strictIPv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.map(Number);
}

function groupsOf(text: string, ipv4Tail: boolean): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  const parts = text.split(':');
  for (const [i, part] of parts.entries()) {
    if (ipv4Tail && i === parts.length - 1 && part.includes('.')) {
      const v4 = strictIPv4(part);
      if (!v4) return undefined;
      groups.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number));
    } else if (/^[0-9a-f]{1,4}$/i.test(part)) {
      groups.push(Number.parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

// An IPv6 address, with or without [brackets] and a %zone, `::` shortening and a dotted IPv4 tail.
export function parseIPv6(text: string): Uint8Array | undefined {
  const bare = (/^\[(.*)\]$/.exec(text)?.[1] ?? text).replace(/%[^%]*$/, '');
  const halves = bare.split('::');
  if (halves.length > 2) return undefined;
  const head = groupsOf(halves[0] as string, halves.length === 1);
  const tail = halves.length === 2 ? groupsOf(halves[1] as string, true) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => { bytes[2 * i] = g >> 8; bytes[2 * i + 1] = g & 0xff; });
  return bytes;
}

// Any IP literal above (IPv6 when it has a colon), or undefined for a host name.
export function parseIp(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const bytes = parseIPv6(text);
    return bytes && { family: 6, bytes };
  }
  const bytes = parseIPv4(text);
  return bytes && { family: 4, bytes };
}

// The canonical text of an address: dotted decimal, or RFC 5952 IPv6 (lower case, longest zero run as `::`).
export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) return [...ip.bytes].join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((ip.bytes[2 * i] as number) << 8) | (ip.bytes[2 * i + 1] as number));
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}
