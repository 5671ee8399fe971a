// Waiting for a CustomResourceDefinition to be Established and its kind served, before objects of it are applied.
import { setTimeout as sleep } from 'node:timers/promises';
import type * as k8s from '@kubernetes/client-node';
import type { FindResource } from './resource-lookup.ts';

// What the wait reads: the CRD (undefined when it does not exist), and a fresh lookup of served kinds (one made
// after the CRD is Established, so a kind re-created with another scope or plural is found at its new URL).
export interface EstablishedDeps {
  readCrd(name: string): Promise<k8s.V1CustomResourceDefinition | undefined>;
  freshLookup(): FindResource;
}

// Resolves once CRD `crdName` is Established and its kind is served in every served version; rejects naming the
// CRD (and why it is not Established, from its conditions) after `timeoutMs`.
export async function waitEstablished(deps: EstablishedDeps, crdName: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: k8s.V1CustomResourceDefinition | undefined;
  const crd = await pollUntil(deadline, async () => {
    last = await deps.readCrd(crdName);
    return last && condition(last, 'Established')?.status === 'True' ? last : undefined;
  });
  if (!crd) throw new Error(`CustomResourceDefinition ${crdName} is not Established after ${timeoutMs} ms${notEstablishedWhy(last)}`);
  const find = deps.freshLookup();
  const { group, names } = crd.spec;
  for (const version of crd.spec.versions.filter((v) => v.served)) {
    const apiVersion = `${group}/${version.name}`;
    if (!(await pollUntil(deadline, async () => (await find(apiVersion, names.kind)) && true))) {
      throw new Error(`CustomResourceDefinition ${crdName} is Established but ${names.kind} is not served in ${apiVersion} after ${timeoutMs} ms`);
    }
  }
}

function condition(crd: k8s.V1CustomResourceDefinition, type: string): k8s.V1CustomResourceDefinitionCondition | undefined {
  return crd.status?.conditions?.find((c) => c.type === type);
}

// Why a CRD is not Established, from its conditions (names refused, say), for the timeout error.
function notEstablishedWhy(crd: k8s.V1CustomResourceDefinition | undefined): string {
  if (!crd) return ': it does not exist';
  const refused = crd.status?.conditions?.find((c) => c.status === 'False' && c.message);
  return refused ? `: ${refused.type}: ${refused.message}` : '';
}

// Calls `probe` until it answers a value, or the deadline passes (then undefined); 50 ms apart, doubling to 500 ms.
async function pollUntil<T>(deadline: number, probe: () => Promise<T | undefined>): Promise<T | undefined> {
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    const value = await probe();
    if (value !== undefined) return value;
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    await sleep(Math.min(delay, left));
  }
}
