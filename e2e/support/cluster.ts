import { randomBytes } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';

// The admin kubeconfig of the local control plane that the test command started (e2e/cluster/up.sh).
export function kubeConfig(): k8s.KubeConfig {
  const path = process.env.KUBECONFIG;
  if (!path) throw new Error('KUBECONFIG is not set: run the e2e tests through `npm test` (e2e/test-all.sh)');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(path);
  return kc;
}

// A name no other test or run uses, valid as a Kubernetes name and a BullMQ queue name.
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

// Thrown by a probe when waiting longer cannot help (the process it waits for has exited): eventually rethrows it
// at once.
export class GaveUp extends Error {}

// Polls `probe` until it returns a value other than undefined, or fails naming `what` after `timeoutMs`.
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let delay = 100; Date.now() < deadline; delay = Math.min(delay * 2, 1_000)) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      if (err instanceof GaveUp) throw err;
      last = err;
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: last });
}

// Creates a fresh namespace for one test; the returned function deletes it.
export async function freshNamespace(kc: k8s.KubeConfig, prefix: string): Promise<[string, () => Promise<void>]> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const name = uniqueName(prefix);
  await core.createNamespace({ body: { metadata: { name } } });
  return [name, async () => void (await core.deleteNamespace({ name }))];
}
