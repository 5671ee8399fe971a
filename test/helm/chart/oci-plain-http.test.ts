import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ociPlainHttp } from '../../../src/helm/chart/oci-plain-http.ts';
import { resolveChart } from '../../../src/helm/chart/resolve-chart.ts';
import type { KubeClient } from '../../../src/kube/client.ts';
import { SECURE_DEFAULTS } from '../../../src/security-config.ts';

describe('ociPlainHttp: which oci:// registries helm reaches with --plain-http', () => {
  const cases: Array<[string, string, readonly string[], boolean]> = [
    ['a public registry', 'oci://ghcr.io/org/charts', [], false],
    ['127.0.0.1 with a port', 'oci://127.0.0.1:5000/charts', [], true],
    ['anywhere in 127.0.0.0/8', 'oci://127.1.2.3:5000/charts', [], true],
    ['localhost', 'oci://localhost:5000/charts', [], true],
    ['LOCALHOST', 'oci://LOCALHOST/charts', [], true],
    ['IPv6 loopback', 'oci://[::1]:5000/charts', [], true],
    ['another IPv6 address', 'oci://[::2]:5000/charts', [], false],
    ['a private address is not loopback', 'oci://10.0.0.5:5000/charts', [], false],
    ['listed with its port', 'oci://registry.internal:5000/charts', ['registry.internal:5000'], true],
    ['listed in another case, among others', 'oci://Registry.Internal:5000/charts', ['a:1', 'registry.internal:5000'], true],
    ['listed with another port', 'oci://registry.internal:5001/charts', ['registry.internal:5000'], false],
    ['listed without a port, used without one', 'oci://registry.internal/charts', ['registry.internal'], true],
    ['not an oci:// URL', 'https://127.0.0.1:5000/charts', ['127.0.0.1:5000'], false],
    ['not a URL', 'registry.internal:5000/charts', ['registry.internal:5000'], false],
  ];
  for (const [what, repository, hosts, expected] of cases) {
    it(`${what}: ${expected ? 'plain HTTP' : 'HTTPS'}`, () => assert.equal(ociPlainHttp(repository, hosts), expected));
  }
});

describe('resolveChart hands helm an oci:// chart as it is, with plainHttp decided', () => {
  const resolve = (repository: string, plainHttpRegistries: string[] = []) => resolveChart(
    { apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', metadata: { namespace: 'apps', name: 'x' }, spec: { chart: { repository, name: 'hello', version: '0.1.0' } } },
    { kube: {} as KubeClient, cacheDir: '/nonexistent', sources: { plainHttpRegistries }, signal: new AbortController().signal, security: { ...SECURE_DEFAULTS, allowPrivateNetworks: true } },
  );

  it('a loopback registry: plain HTTP', async () => {
    assert.deepEqual(await resolve('oci://127.0.0.1:5000/charts/'), {
      ref: 'oci://127.0.0.1:5000/charts/hello', version: '0.1.0', revision: '0.1.0', digest: 'oci://127.0.0.1:5000/charts/hello:0.1.0', plainHttp: true,
    });
  });

  it('another registry: HTTPS, unless --registry-insecure-host lists it', async () => {
    assert.equal((await resolve('oci://registry.internal:5000/charts')).plainHttp, undefined);
    assert.equal((await resolve('oci://registry.internal:5000/charts', ['registry.internal:5000'])).plainHttp, true);
  });
});
