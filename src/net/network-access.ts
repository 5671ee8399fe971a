import { lookup as dnsLookup } from 'node:dns/promises';
import type { SecurityConfig } from '../security-config.ts';
import { checkAddress, describeVerdict, type Verdict } from './address-policy.ts';
import { formatIp, parseIp } from './ip-literal.ts';

// One address a host name resolves to, as dns.lookup gives it.
export interface ResolvedAddress { address: string; family: number }

// Resolves a host name to every address it has (dns.lookup with `all`, so /etc/hosts and the system resolver).
export type ResolveAll = (hostname: string) => Promise<ResolvedAddress[]>;

// Which remote endpoints a fetch that a HelmRelease author controls may reach. `check` runs on every address a
// host resolves to (and on IP literals), before connecting; `resolve` defaults to dns.lookup. Tests hand in a
// check that allows exactly one loopback port, and a resolve that answers what they need.
export interface NetworkAccess {
  readonly check: (address: string, port: number) => Verdict;
  readonly resolve?: ResolveAll;
}

const allowAll = (address: string): Verdict => ({ allowed: true, address });

// The access that --allow-private-networks gives: public addresses only by default, every address with it.
export function networkAccess(security: Pick<SecurityConfig, 'allowPrivateNetworks'>): NetworkAccess {
  return { check: security.allowPrivateNetworks ? allowAll : (address) => checkAddress(address) };
}

// The default resolver: all addresses, in the order the system gives them.
export const resolveAll: ResolveAll = (hostname) => dnsLookup(hostname, { all: true, order: 'verbatim' });

// A connection refused by the address policy, before any packet was sent. The message names the address and its
// range, the host that resolved to it and the redirect that led there, and the flag that would allow it.
export class AddressRefusedError extends Error {
  override name = 'AddressRefusedError';
  readonly verdict: Verdict;
  readonly host: string;
  constructor(verdict: Verdict, where: { host: string; redirectedTo?: string | undefined }) {
    const redirect = where.redirectedTo ? `, reached by a redirect to ${where.redirectedTo}` : '';
    super(`refused: ${describeVerdict(verdict, where.host)}${redirect}; Capstan fetches only public addresses unless started with --allow-private-networks`);
    this.verdict = verdict;
    this.host = where.host;
  }
}

// Resolves `host` (an IP literal is taken as is) and checks every address it has, throwing AddressRefusedError
// at the first refused one. Returns the checked addresses: connecting to one of them (not to the name again)
// is what keeps DNS rebinding from slipping a different answer in between.
export async function resolveChecked(host: string, port: number, access: NetworkAccess, redirectedTo?: string): Promise<ResolvedAddress[]> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const ip = parseIp(bare);
  const addresses = ip ? [{ address: formatIp(ip), family: ip.family }] : await (access.resolve ?? resolveAll)(bare);
  if (addresses.length === 0) throw Object.assign(new Error(`${bare} has no address`), { code: 'ENOTFOUND' });
  for (const { address } of addresses) {
    const verdict = access.check(address, port);
    if (!verdict.allowed) throw new AddressRefusedError(verdict, { host: bare, redirectedTo });
  }
  return addresses;
}
