import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

// The kernel's range of ephemeral ports: every outgoing connection of every test (to the API server, Redis, Git)
// takes its local port from it, and so does a bind to port 0. A port picked there can be taken by a connection
// between the pick and the bind (seen in CI: EADDRINUSE on a port freePort had answered).
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low !== undefined && high !== undefined && low > 0 && high >= low) return [low, high];
  } catch {
    // not Linux: the IANA dynamic range
  }
  return [49152, 65535];
}

// A loopback TCP port outside the ephemeral range that was free a moment ago (the caller binds it next). Picked at
// random among the registered ports below the range, so that concurrent test files rarely pick the same one; from
// 11000 up, above every port fetch refuses to connect to (its "bad ports", the last of them 10080).
export async function freePort(): Promise<number> {
  const [low, high] = ephemeralRange();
  const [from, to] = low > 20_000 ? [11_000, low - 1] : [high + 1, 65_535];
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = from + Math.floor(Math.random() * (to - from + 1));
    if (await canBind(port)) return port;
  }
  throw new Error(`no free loopback port in ${from}-${to} after 100 tries`);
}

async function canBind(port: number): Promise<boolean> {
  const server = createServer();
  const bound = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false)).listen(port, '127.0.0.1', () => resolve(true));
  });
  if (bound) await new Promise((resolve) => server.close(resolve));
  return bound;
}
