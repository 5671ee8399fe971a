import * as k8s from '@kubernetes/client-node';
import { mergeCredentials, parseDockerConfig, type RegistryCredentials } from '../docker-config.ts';

// Registry credentials for a workload's pods, as the kubelet would pull with: the pod's imagePullSecrets, then
// its ServiceAccount's. A Secret that is missing or unreadable is reported through onProblem and skipped.
export type PullCredentials = (namespace: string, secrets: readonly string[], serviceAccount: string | undefined) => Promise<Map<string, RegistryCredentials>>;

const KEYS = ['.dockerconfigjson', '.dockercfg'] as const;

// The real lookup through the API; Secrets and ServiceAccounts are read once per call of `session()`, so one scan
// cycle reads each at most once.
export function kubePullCredentials(kc: k8s.KubeConfig, onProblem: (message: string) => void): { session(): PullCredentials } {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  return {
    session() {
      const secrets = new Map<string, Promise<Map<string, RegistryCredentials>>>();
      const accounts = new Map<string, Promise<string[]>>();
      const readSecret = (namespace: string, name: string) => {
        const key = `${namespace}/${name}`;
        let found = secrets.get(key);
        if (!found) {
          found = core.readNamespacedSecret({ namespace, name }).then((s) => {
            const data = KEYS.map((k) => s.data?.[k]).find((v) => v !== undefined);
            return data ? parseDockerConfig(Buffer.from(data, 'base64').toString('utf8'), `Secret ${key}`) : new Map<string, RegistryCredentials>();
          }).catch((err: unknown) => {
            onProblem(`imagePullSecret ${key}: ${(err as { code?: number }).code === 404 ? 'not found' : (err as Error).message.split('\n')[0]}`);
            return new Map<string, RegistryCredentials>();
          });
          secrets.set(key, found);
        }
        return found;
      };
      const accountSecrets = (namespace: string, name: string) => {
        const key = `${namespace}/${name}`;
        let found = accounts.get(key);
        if (!found) {
          found = core.readNamespacedServiceAccount({ namespace, name })
            .then((sa) => (sa.imagePullSecrets ?? []).map((r) => r.name ?? '').filter(Boolean), () => []);
          accounts.set(key, found);
        }
        return found;
      };
      return async (namespace, names, serviceAccount) => {
        const all = [...names, ...(await accountSecrets(namespace, serviceAccount || 'default'))];
        return mergeCredentials(...(await Promise.all(all.map((n) => readSecret(namespace, n)))));
      };
    },
  };
}
