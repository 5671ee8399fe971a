// Where a generated deploy key is kept: the `identity` key of the --k8s-secret-name Secret, as fluxd's
// flux-git-deploy Secret held it.
import * as k8s from '@kubernetes/client-node';
import type { KubeClient } from '../kube/client.ts';
import { statusCode } from '../kube/real-client.ts';

// A place for one private key. `read` is undefined when none is kept; `write` replaces it.
export interface KeyStore {
  readonly describe: string; // for messages, e.g. "Secret flux/flux-git-deploy"
  read(): Promise<string | undefined>;
  write(privateKey: string): Promise<void>;
}

// The key `identity` of a Secret; `write` creates the Secret when it does not exist, else merge-patches that one
// key, leaving the rest of the Secret (a sync marker, other keys) as it is.
export function secretKeyStore(kc: k8s.KubeConfig, kube: Pick<KubeClient, 'secretKey'>, ref: { namespace: string; name: string }, fieldManager = 'capstan'): KeyStore {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
  return {
    describe: `Secret ${ref.namespace}/${ref.name}`,
    async read() {
      return (await kube.secretKey(ref.namespace, ref.name, 'identity')) || undefined;
    },
    async write(privateKey) {
      const data = { identity: Buffer.from(privateKey).toString('base64') };
      try {
        await core.createNamespacedSecret({ namespace: ref.namespace, fieldManager, body: { metadata: { ...ref }, type: 'Opaque', data } });
      } catch (err) {
        if (statusCode(err) !== 409) throw err;
        await core.patchNamespacedSecret({ ...ref, fieldManager, body: { data } }, merge);
      }
    },
  };
}

// A KeyStore in memory, for tests.
export function memoryKeyStore(initial?: string): KeyStore & { writes: number } {
  let key = initial;
  const store = {
    describe: 'memory', writes: 0,
    read: async () => key,
    write: async (k: string) => {
      key = k;
      store.writes++;
    },
  };
  return store;
}
