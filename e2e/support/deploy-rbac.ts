import { randomBytes } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import { dump } from 'js-yaml';
import { kubectl, objects, renderKustomize } from './deploy.ts';

export type Role = 'daemon' | 'operator' | 'worker';

// The ServiceAccounts, ClusterRoles and ClusterRoleBindings of deploy/, really applied in `namespace`: the
// cluster-scoped ones carry a suffix of their own (a kustomize nameSuffix, which also renames the references), so
// tests running at once never share or overwrite them. `remove` deletes what was made outside the namespace.
export async function applyRoleAccounts(namespace: string): Promise<{ account: (role: Role) => string; remove: () => Promise<void> }> {
  const suffix = `-${randomBytes(3).toString('hex')}`;
  const rbac = objects(await renderKustomize(namespace, [`nameSuffix: ${JSON.stringify(suffix)}`]))
    .filter((o) => ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind));
  if (rbac.length !== 9) throw new Error(`deploy/ has ${rbac.length} RBAC objects, not 3 per role`);
  const yaml = rbac.map((o) => dump(o)).join('---\n');
  const r = await kubectl(['apply', '--server-side', '--field-manager=capstan-e2e-deploy', '-f', '-'], yaml);
  if (r.exitCode !== 0) throw new Error(`applying deploy/'s RBAC: ${r.stderr}`);
  const cluster = rbac.filter((o) => o.kind !== 'ServiceAccount').map((o) => `${o.kind.toLowerCase()}/${o.metadata.name}`);
  return {
    account: (role) => `capstan-${role}${suffix}`,
    remove: async () => void (await kubectl(['delete', '--ignore-not-found', '--wait=false', ...cluster])),
  };
}

// One request as the API server authorizes it: `verb` on `resource` ("group/plural[/subresource]", the core group
// written as "core"), in `namespace` or cluster-wide when it is undefined.
export interface Access { verb: string; resource: string; namespace?: string; name?: string }

// Whether ServiceAccount `namespace/name` may make request `a`, by a SubjectAccessReview (the authorizer's answer
// for that account and its groups, as for its own token).
export async function allowed(kc: k8s.KubeConfig, namespace: string, name: string, a: Access): Promise<boolean> {
  const [group = '', resource = '', subresource] = a.resource.split('/');
  const review = await kc.makeApiClient(k8s.AuthorizationV1Api).createSubjectAccessReview({ body: { spec: {
    user: `system:serviceaccount:${namespace}:${name}`,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
    resourceAttributes: {
      verb: a.verb, group: group === 'core' ? '' : group, resource, ...(subresource ? { subresource } : {}),
      ...(a.namespace ? { namespace: a.namespace } : {}), ...(a.name ? { name: a.name } : {}),
    },
  } } });
  return review.status?.allowed === true;
}
