import * as k8s from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION, type HelmRelease } from '../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { helmHistory, helmReleases } from '../support/helm-releases.ts';

// The end a release must reach after a fault: Ready, or correctly Failed (Stalled, rolled back to the last good
// revision); the message its workload must carry; whether tests ran; the Deployment's uid when it must survive.
// `helmOnly` checks Helm and the workload alone: the release is back on a good revision with nothing pending.
export interface ExpectedEnd { end: 'ready' | 'failed'; message: string; tested?: boolean; uid?: string; helmOnly?: boolean }

type History = Array<{ version: number; status: string }>;

// What a user would find wrong with a release (HelmRelease `name`, Helm release and Deployment named after it),
// or undefined: its conditions at the current generation, `helm history` (newest deployed, no pending-*), the
// Deployment's message, and that it was never deleted.
export function problemOf(name: string, hr: HelmRelease | undefined, history: History, deployment: k8s.V1Deployment | undefined, want: ExpectedEnd): string | undefined {
  if (!hr) return 'HelmRelease is missing';
  if (!want.helmOnly) {
    const problem = conditionProblem(hr, want);
    if (problem) return problem;
  }
  const pending = history.filter((h) => h.status.startsWith('pending'));
  if (pending.length) return `helm history has ${pending.map((h) => `${h.version}:${h.status}`).join(', ')}`;
  if (history[0]?.status !== 'deployed') return `newest revision is ${history[0]?.status ?? 'missing'}`;
  if (!deployment) return `Deployment ${name}-hello is missing`;
  const annotations = deployment.spec?.template.metadata?.annotations ?? {};
  if (annotations['hello/message'] !== want.message) return `Deployment carries message ${annotations['hello/message']}, not ${want.message}`;
  if (annotations['capstan.test/fail']) return 'Deployment still carries the failing change';
  if (want.uid && deployment.metadata?.uid !== want.uid) return `Deployment ${name}-hello was deleted and created again`;
  return undefined;
}

// The HelmRelease's conditions at its current generation against the end wanted.
function conditionProblem(hr: HelmRelease, want: ExpectedEnd): string | undefined {
  const cond = (type: string) => hr.status?.conditions?.find((c) => c.type === type);
  if (hr.status?.observedGeneration !== hr.metadata.generation) return `generation ${hr.metadata.generation} not observed yet (${hr.status?.observedGeneration})`;
  if (want.end === 'ready' && cond('Ready')?.status !== 'True') return `Ready=${cond('Ready')?.status}: ${cond('Ready')?.message}`;
  if (want.end === 'failed' && (cond('Stalled')?.status !== 'True' || cond('Ready')?.status !== 'False')) return `not Failed yet: Stalled=${cond('Stalled')?.status} Ready=${cond('Ready')?.status}`;
  if (want.tested && cond('Tested')?.status !== 'True') return `Tested=${cond('Tested')?.status}`;
  return undefined;
}

// The problem of one release, read from the cluster.
export async function releaseProblem(kc: k8s.KubeConfig, namespace: string, name: string, want: ExpectedEnd): Promise<string | undefined> {
  const hr = await helmReleases(kc, namespace).get(name);
  const deployment = await kc.makeApiClient(k8s.AppsV1Api).readNamespacedDeployment({ name: `${name}-hello`, namespace }).catch(() => undefined);
  return problemOf(name, hr, await helmHistory(kc, namespace, name), deployment, want);
}

// The problems of many releases of one namespace, read with three list calls; releases without one are left out.
export async function releaseProblems(kc: k8s.KubeConfig, namespace: string, wants: ReadonlyMap<string, ExpectedEnd>): Promise<Map<string, string>> {
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const [hrs, secrets, deployments] = await Promise.all([
    custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, namespace }) as Promise<{ items: HelmRelease[] }>,
    kc.makeApiClient(k8s.CoreV1Api).listNamespacedSecret({ namespace, labelSelector: 'owner=helm' }),
    kc.makeApiClient(k8s.AppsV1Api).listNamespacedDeployment({ namespace }),
  ]);
  const problems = new Map<string, string>();
  for (const [name, want] of wants) {
    const history = secrets.items.filter((s) => s.metadata?.labels?.name === name)
      .map((s) => ({ version: Number(s.metadata?.labels?.version), status: s.metadata?.labels?.status ?? '' })).sort((a, b) => b.version - a.version);
    const problem = problemOf(name, hrs.items.find((h) => h.metadata.name === name), history,
      deployments.items.find((d) => d.metadata?.name === `${name}-hello`), want);
    if (problem) problems.set(name, problem);
  }
  return problems;
}

// Waits for the release to reach its end; resolves the time it took, or the last problem seen at the deadline.
export async function waitForEnd(kc: k8s.KubeConfig, namespace: string, name: string, want: ExpectedEnd, timeoutMs: number): Promise<{ ms: number } | { problem: string }> {
  const t0 = Date.now();
  let problem = 'never checked';
  while (Date.now() - t0 < timeoutMs) {
    problem = (await releaseProblem(kc, namespace, name, want).catch((err: Error) => `cannot read: ${err.message}`)) ?? '';
    if (!problem) return { ms: Date.now() - t0 };
    await new Promise((r) => setTimeout(r, 250));
  }
  return { problem };
}

// Waits until every release has reached its end; resolves the time it took, or the problems left at the deadline.
export async function waitForAll(kc: k8s.KubeConfig, namespace: string, wants: ReadonlyMap<string, ExpectedEnd>, timeoutMs: number): Promise<{ ms: number } | { problems: Map<string, string> }> {
  const t0 = Date.now();
  let problems = new Map<string, string>([['-', 'never checked']]);
  while (Date.now() - t0 < timeoutMs) {
    problems = await releaseProblems(kc, namespace, wants).catch((err: Error) => new Map([['-', `cannot read: ${err.message}`]]));
    if (problems.size === 0) return { ms: Date.now() - t0 };
    await new Promise((r) => setTimeout(r, 500));
  }
  return { problems };
}

// The uid of a release's Deployment, to check later that it was never deleted.
export async function deploymentUid(kc: k8s.KubeConfig, namespace: string, name: string): Promise<string | undefined> {
  const d = await kc.makeApiClient(k8s.AppsV1Api).readNamespacedDeployment({ name: `${name}-hello`, namespace }).catch(() => undefined);
  return d?.metadata?.uid;
}
