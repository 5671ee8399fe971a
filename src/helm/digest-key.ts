import { randomBytes } from 'node:crypto';
import type { KubeClient } from '../kube/client.ts';

// The Secret holding the installation's digest key, in the leader-election (POD) namespace, and its data key.
export const DIGEST_KEY_SECRET = 'capstan-digest-key';
const DATA_KEY = 'key';
const MIN_KEY_CHARS = 32;

// The HMAC key of status.lastAppliedDigest, one per installation and shared by every worker: read from the
// Secret, which the first worker to start creates with 32 random bytes (a worker that loses the race to create
// it reads the winner's). Kept in Kubernetes rather than Redis, which may be flushed: a new key changes every
// digest and so costs one helm upgrade per release. A Secret that holds no usable key is an error.
export async function loadDigestKey(kube: Pick<KubeClient, 'secretKey' | 'createSecret'>, namespace: string): Promise<Buffer> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const stored = await kube.secretKey(namespace, DIGEST_KEY_SECRET, DATA_KEY);
    if (stored !== undefined) {
      if (stored.length < MIN_KEY_CHARS) {
        throw new Error(`Secret ${namespace}/${DIGEST_KEY_SECRET} has no usable "${DATA_KEY}" (at least ${MIN_KEY_CHARS} characters); delete it to have a new one made`);
      }
      return Buffer.from(stored, 'utf8');
    }
    const fresh = randomBytes(32).toString('hex');
    if (await kube.createSecret(namespace, DIGEST_KEY_SECRET, { [DATA_KEY]: fresh })) return Buffer.from(fresh, 'utf8');
  }
  throw new Error(`Secret ${namespace}/${DIGEST_KEY_SECRET} exists without "${DATA_KEY}"; delete it to have a new one made`);
}
