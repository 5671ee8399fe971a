import { formatIp, type IpAddress, parseIp } from './ip-literal.ts';

// Whether Capstan may connect to an address: `address` is its canonical text; a refusal names the range (e.g.
// `link-local`), its CIDR and, for an IPv4 address carried inside IPv6, how it was carried.
export type Verdict =
  | { readonly allowed: true; readonly address: string }
  | { readonly allowed: false; readonly address: string; readonly range: string; readonly cidr: string; readonly via?: string };

interface Range { prefix: Uint8Array; bits: number; cidr: string; name: string }

function range(cidr: string, name: string): Range {
  const [base = '', bits = ''] = cidr.split('/');
  const ip = parseIp(base);
  if (!ip) throw new Error(`bad range ${cidr}`);
  return { prefix: ip.bytes, bits: Number(bits), cidr, name };
}

// IPv4 ranges a fetch must not reach: not globally routable (RFC 6890 and successors), or this machine.
// More specific ranges come first, so 255.255.255.255 is named broadcast rather than reserved.
const IPV4: readonly Range[] = [
  range('255.255.255.255/32', 'broadcast'),
  range('0.0.0.0/32', 'unspecified'),
  range('0.0.0.0/8', '"this network"'),
  range('10.0.0.0/8', 'private'),
  range('100.64.0.0/10', 'carrier-grade NAT (shared address space)'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local'),
  range('172.16.0.0/12', 'private'),
  range('192.0.0.0/24', 'IETF protocol assignments'),
  range('192.0.2.0/24', 'documentation'),
  range('192.88.99.0/24', '6to4 relay anycast'),
  range('192.168.0.0/16', 'private'),
  range('198.18.0.0/15', 'benchmarking'),
  range('198.51.100.0/24', 'documentation'),
  range('203.0.113.0/24', 'documentation'),
  range('224.0.0.0/4', 'multicast'),
  range('240.0.0.0/4', 'reserved'),
];

// IPv6 forms that carry an IPv4 address: the verdict is that of the IPv4 address (`offset` = its first byte).
const CARRIERS: ReadonlyArray<Range & { offset: number }> = [
  { ...range('::ffff:0:0/96', 'an IPv4-mapped IPv6 address'), offset: 12 },
  { ...range('::ffff:0:0:0/96', 'an IPv4-translated IPv6 address'), offset: 12 },
  { ...range('64:ff9b::/96', 'a NAT64 address'), offset: 12 },
  { ...range('2002::/16', 'a 6to4 address'), offset: 2 },
];

// IPv6 ranges refused outright; anything else outside global unicast (2000::/3) is refused as reserved.
const IPV6: readonly Range[] = [
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  range('::/96', 'IPv4-compatible (deprecated)'),
  range('64:ff9b:1::/48', 'local-use NAT64'),
  range('100::/64', 'discard-only'),
  range('2001::/32', 'Teredo'),
  range('2001:2::/48', 'benchmarking'),
  range('2001:10::/28', 'ORCHID'),
  range('2001:20::/28', 'ORCHIDv2'),
  range('2001:db8::/32', 'documentation'),
  range('3fff::/20', 'documentation'),
  range('fc00::/7', 'unique local (private)'),
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'site-local (deprecated)'),
  range('ff00::/8', 'multicast'),
];
const GLOBAL_UNICAST = range('2000::/3', 'global unicast');

function inRange(bytes: Uint8Array, r: Range): boolean {
  if (bytes.length !== r.prefix.length) return false;
  for (let bit = 0; bit < r.bits; bit += 8) {
    const mask = r.bits - bit >= 8 ? 0xff : (0xff << (8 - (r.bits - bit))) & 0xff;
    if (((bytes[bit / 8] as number) & mask) !== ((r.prefix[bit / 8] as number) & mask)) return false;
  }
  return true;
}

function verdictOf(ip: IpAddress): Verdict {
  const address = formatIp(ip);
  if (ip.family === 4) {
    const hit = IPV4.find((r) => inRange(ip.bytes, r));
    return hit ? { allowed: false, address, range: hit.name, cidr: hit.cidr } : { allowed: true, address };
  }
  const carrier = CARRIERS.find((r) => inRange(ip.bytes, r));
  if (carrier) {
    const inner = verdictOf({ family: 4, bytes: ip.bytes.slice(carrier.offset, carrier.offset + 4) });
    return inner.allowed ? { allowed: true, address } : { ...inner, address, via: carrier.name };
  }
  const hit = IPV6.find((r) => inRange(ip.bytes, r));
  if (hit) return { allowed: false, address, range: hit.name, cidr: hit.cidr };
  if (!inRange(ip.bytes, GLOBAL_UNICAST)) return { allowed: false, address, range: 'reserved (not global unicast)', cidr: 'outside 2000::/3' };
  return { allowed: true, address };
}

// The verdict on one IP address in any literal form (see parseIp): only globally routable unicast addresses
// are allowed; loopback, unspecified, link-local, private, CGNAT, ULA, multicast, broadcast, documentation and
// other special-purpose ranges are refused, also when carried in IPv6 (mapped, NAT64, 6to4). Text that is not
// an IP address is refused: resolve host names first.
export function checkAddress(text: string): Verdict {
  const ip = parseIp(text.trim());
  if (!ip) return { allowed: false, address: text, range: 'not an IP address', cidr: 'resolve the name first' };
  return verdictOf(ip);
}

// A verdict as one phrase: `169.254.169.254 is link-local (169.254.0.0/16)`; with `host`, the name or literal
// form it came from: `169.254.169.254 (the address of metadata.test) is link-local (169.254.0.0/16)`.
export function describeVerdict(verdict: Verdict, host?: string): string {
  const subject = host && host !== verdict.address ? `${verdict.address} (the address of ${host})` : verdict.address;
  if (verdict.allowed) return `${subject} is allowed`;
  const via = verdict.via ? `, as ${verdict.via}` : '';
  return `${subject} is ${verdict.range} (${verdict.cidr}${via})`;
}
