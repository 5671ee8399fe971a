import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requestKind } from '../../src/kube/request-kind.ts';

describe('requestKind', () => {
  const rows: Array<[string, string, string, string]> = [
    ['GET', 'https://127.0.0.1:6443/apis/helm.fluxcd.io/v1/namespaces/team/helmreleases/web', 'get', 'helmreleases'],
    ['GET', 'https://127.0.0.1:6443/apis/helm.fluxcd.io/v1/namespaces/team/helmreleases', 'list', 'helmreleases'],
    ['GET', 'https://127.0.0.1:6443/apis/helm.fluxcd.io/v1/helmreleases?watch=true&resourceVersion=5', 'watch', 'helmreleases'],
    ['PATCH', 'https://127.0.0.1:6443/apis/helm.fluxcd.io/v1/namespaces/team/helmreleases/web/status', 'patch', 'helmreleases/status'],
    ['GET', 'https://127.0.0.1:6443/api/v1/namespaces/team/secrets?labelSelector=owner%3Dhelm', 'list', 'secrets'],
    ['POST', 'https://127.0.0.1:6443/api/v1/namespaces/team/events', 'create', 'events'],
    ['PUT', 'https://127.0.0.1:6443/api/v1/namespaces/team/configmaps/a', 'update', 'configmaps'],
    ['DELETE', 'https://127.0.0.1:6443/api/v1/namespaces/team/pods/p', 'delete', 'pods'],
    ['DELETE', 'https://127.0.0.1:6443/api/v1/namespaces/team/pods', 'deletecollection', 'pods'],
    ['GET', 'https://127.0.0.1:6443/api/v1/namespaces/team', 'get', 'namespaces'],
    ['GET', 'https://127.0.0.1:6443/api/v1/namespaces', 'list', 'namespaces'],
    ['POST', 'https://127.0.0.1:6443/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', 'create', 'selfsubjectaccessreviews'],
    ['GET', 'https://127.0.0.1:6443/apis', 'get', 'discovery'],
    ['GET', 'https://127.0.0.1:6443/version', 'get', 'discovery'],
  ];
  for (const [method, url, verb, resource] of rows) {
    it(`${method} ${url.replace('https://127.0.0.1:6443', '')} → ${verb} ${resource}`, () => {
      assert.deepEqual(requestKind(method, url), { verb, resource });
    });
  }
});
