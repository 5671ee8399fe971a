import { parseIp } from '../../net/ip-literal.ts';

// Whether a host name or IP literal is this machine: `localhost`, 127.0.0.0/8 or ::1.
function isLoopback(hostname: string): boolean {
  if (hostname.toLowerCase() === 'localhost') return true;
  const ip = parseIp(hostname.replace(/^\[(.*)\]$/, '$1'));
  if (ip?.family === 4) return ip.bytes[0] === 127;
  return ip?.family === 6 && ip.bytes.slice(0, 15).every((b) => b === 0) && ip.bytes[15] === 1;
}

// Whether helm pulls the oci:// chart `repository` over plain HTTP (`--plain-http`): when its registry is on
// loopback, as Docker and containerd reach a local registry, or listed (HOST[:PORT], as written in the
// reference) in --registry-insecure-host, the flag that names plain-HTTP registries for image scanning too.
export function ociPlainHttp(repository: string, insecureHosts: readonly string[]): boolean {
  const url = URL.parse(repository.trim());
  if (url?.protocol !== 'oci:' || !url.host) return false;
  if (isLoopback(url.hostname)) return true;
  const host = url.host.toLowerCase();
  return insecureHosts.some((h) => h.trim().toLowerCase() === host);
}
