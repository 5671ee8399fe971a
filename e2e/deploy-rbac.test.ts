import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freshNamespace, kubeConfig } from './support/cluster.ts';
import { type Access, allowed, applyRoleAccounts, type Role } from './support/deploy-rbac.ts';

// What each role calls (deploy/README.md's table, from src/roles, src/kube, src/helm, src/sync, src/image) and
// writes it never makes. `NS` is the namespace the accounts live in, `ELSEWHERE` any other one.
const NS = 'NS';
const ELSEWHERE = 'default';
const TABLE: Record<Role, { may: Access[]; mayNot: Access[] }> = {
  operator: {
    may: [
      { verb: 'list', resource: 'helm.fluxcd.io/helmreleases' }, { verb: 'watch', resource: 'helm.fluxcd.io/helmreleases' },
      { verb: 'watch', resource: 'helm.fluxcd.io/helmreleases', namespace: ELSEWHERE },
      { verb: 'list', resource: 'core/configmaps' }, { verb: 'watch', resource: 'core/configmaps' },
      { verb: 'list', resource: 'core/secrets' }, { verb: 'watch', resource: 'core/secrets' },
      { verb: 'get', resource: 'core/secrets', namespace: ELSEWHERE }, // chart.secretRef for git ls-remote
    ],
    mayNot: [
      { verb: 'delete', resource: 'apps/deployments', namespace: ELSEWHERE }, { verb: 'create', resource: 'apps/deployments', namespace: NS },
      { verb: 'patch', resource: 'helm.fluxcd.io/helmreleases', namespace: ELSEWHERE },
      { verb: 'patch', resource: 'helm.fluxcd.io/helmreleases/status', namespace: ELSEWHERE },
      { verb: 'create', resource: 'core/events', namespace: ELSEWHERE }, { verb: 'create', resource: 'core/secrets', namespace: NS },
      { verb: 'update', resource: 'core/configmaps', namespace: ELSEWHERE }, { verb: 'create', resource: 'coordination.k8s.io/leases', namespace: NS },
      { verb: 'patch', resource: 'apiextensions.k8s.io/customresourcedefinitions' },
    ],
  },
  worker: {
    may: [
      { verb: 'get', resource: 'helm.fluxcd.io/helmreleases', namespace: ELSEWHERE },
      { verb: 'patch', resource: 'helm.fluxcd.io/helmreleases', namespace: ELSEWHERE }, // the finalizer
      { verb: 'patch', resource: 'helm.fluxcd.io/helmreleases/status', namespace: ELSEWHERE },
      { verb: 'create', resource: 'core/events', namespace: ELSEWHERE },
      ...['get', 'list', 'create', 'update', 'patch', 'delete'].map((verb) => ({ verb, resource: 'core/secrets', namespace: ELSEWHERE })),
      { verb: 'get', resource: 'core/configmaps', namespace: ELSEWHERE },
      ...['create', 'patch', 'delete', 'list', 'watch'].flatMap((verb) => ['apps/deployments', 'core/services', 'core/pods', 'batch/jobs']
        .map((resource) => ({ verb, resource, namespace: ELSEWHERE }))),
      { verb: 'create', resource: 'rbac.authorization.k8s.io/roles', namespace: ELSEWHERE },
    ],
    mayNot: [
      { verb: 'patch', resource: 'apiextensions.k8s.io/customresourcedefinitions', name: 'helmreleases.helm.fluxcd.io' },
      { verb: 'create', resource: 'apiextensions.k8s.io/customresourcedefinitions' },
      { verb: 'create', resource: 'rbac.authorization.k8s.io/clusterroles' }, { verb: 'create', resource: 'rbac.authorization.k8s.io/clusterrolebindings' },
      { verb: 'escalate', resource: 'rbac.authorization.k8s.io/roles', namespace: ELSEWHERE },
      { verb: 'create', resource: 'core/namespaces' }, { verb: 'delete', resource: 'core/nodes' },
      { verb: 'create', resource: 'helm.fluxcd.io/helmreleases', namespace: ELSEWHERE },
      { verb: 'delete', resource: 'helm.fluxcd.io/helmreleases', namespace: ELSEWHERE },
      { verb: 'update', resource: 'helm.fluxcd.io/helmreleases/status', namespace: ELSEWHERE },
      { verb: 'create', resource: 'core/serviceaccounts/token', namespace: ELSEWHERE },
      { verb: 'create', resource: 'core/pods/exec', namespace: ELSEWHERE },
      { verb: 'impersonate', resource: 'core/serviceaccounts', namespace: ELSEWHERE },
      { verb: 'create', resource: 'admissionregistration.k8s.io/mutatingwebhookconfigurations' },
    ],
  },
  daemon: {
    may: [
      ...['get', 'list', 'create', 'patch', 'delete'].flatMap((verb) => ['apps/deployments', 'core/configmaps', 'core/secrets', 'example.com/widgets']
        .map((resource) => ({ verb, resource, namespace: ELSEWHERE }))),
      { verb: 'create', resource: 'core/namespaces' }, { verb: 'patch', resource: 'apiextensions.k8s.io/customresourcedefinitions' },
      { verb: 'list', resource: 'apps/deployments' }, // garbage collection lists across namespaces
      { verb: 'create', resource: 'rbac.authorization.k8s.io/clusterroles' }, { verb: 'escalate', resource: 'rbac.authorization.k8s.io/clusterroles' },
      { verb: 'bind', resource: 'rbac.authorization.k8s.io/clusterroles' },
      ...['get', 'create', 'patch'].map((verb) => ({ verb, resource: 'coordination.k8s.io/leases', namespace: NS })),
      { verb: 'get', resource: 'core/secrets', namespace: NS, name: 'capstan-git-deploy' },
    ],
    mayNot: [
      { verb: 'update', resource: 'apps/deployments', namespace: ELSEWHERE }, { verb: 'update', resource: 'core/secrets', namespace: NS },
      { verb: 'deletecollection', resource: 'core/configmaps', namespace: ELSEWHERE },
      { verb: 'watch', resource: 'core/secrets', namespace: ELSEWHERE },
      { verb: 'impersonate', resource: 'core/users' }, { verb: 'impersonate', resource: 'core/serviceaccounts', namespace: ELSEWHERE },
      { verb: 'approve', resource: 'certificates.k8s.io/signers' },
    ],
  },
};

const show = (a: Access) => `${a.verb} ${a.resource}${a.name ? `/${a.name}` : ''} ${a.namespace ? `in ${a.namespace}` : 'cluster-wide'}`;

describe("deploy/'s RBAC: each role's ServiceAccount may do what the role does, and no write it does not need", () => {
  const kc = kubeConfig();
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let accounts: Awaited<ReturnType<typeof applyRoleAccounts>> | undefined;

  before(async () => {
    [ns, dropNamespace] = await freshNamespace(kc, 'deploy-rbac');
    accounts = await applyRoleAccounts(ns);
  });
  after(async () => {
    await accounts?.remove();
    await dropNamespace();
  });

  for (const role of ['operator', 'worker', 'daemon'] as const) {
    it(`capstan-${role}`, async () => {
      const sa = accounts?.account(role) ?? '';
      const resolve = (a: Access): Access => ({ ...a, ...(a.namespace === NS ? { namespace: ns } : {}) });
      const wrong: string[] = [];
      for (const a of TABLE[role].may) if (!(await allowed(kc, ns, sa, resolve(a)))) wrong.push(`refused: ${show(a)}`);
      for (const a of TABLE[role].mayNot) if (await allowed(kc, ns, sa, resolve(a))) wrong.push(`allowed: ${show(a)}`);
      assert.deepEqual(wrong, [], `${role}:\n${wrong.join('\n')}`);
    });
  }
});
