import { checkAddress, type Verdict } from '../../src/net/address-policy.ts';
import { type NetworkAccess, networkAccess, type ResolvedAddress } from '../../src/net/network-access.ts';

// For tests whose servers listen on 127.0.0.1 and that are not about the address policy: every address allowed,
// as with --allow-private-networks.
export const ANY_ADDRESS: NetworkAccess = networkAccess({ allowPrivateNetworks: true });

// The production policy, except that exactly these `address:port` endpoints (test servers on loopback) pass:
// what a public repository would be, while every other loopback address or port stays refused. `names` answers
// host names without DNS; an unknown name fails as DNS would. `resolved` records each name resolved.
export function onlyEndpoints(endpoints: string[], names: Record<string, string[]> = {}): NetworkAccess & { resolved: string[] } {
  const resolved: string[] = [];
  const check = (address: string, port: number): Verdict =>
    endpoints.includes(`${address}:${port}`) ? { allowed: true, address } : checkAddress(address);
  const resolve = async (hostname: string): Promise<ResolvedAddress[]> => {
    resolved.push(hostname);
    const addresses = names[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { check, resolve, resolved };
}
