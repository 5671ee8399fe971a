import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { HelmRelease } from '../../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../../src/errors/stalling-error.ts';
import { composeValues, type ValuesSources } from '../../../src/helm/values/compose.ts';
import { type ExternalSourceOptions, fetchExternalValues } from '../../../src/helm/values/external-source.ts';
import { type Handler, type RepoServer, startRepoServer } from '../chart/repo-server.ts';
import { ANY_ADDRESS, onlyEndpoints } from '../../net/test-access.ts';

const release = (url: string): HelmRelease => ({
  apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', metadata: { name: 'web', namespace: 'apps' },
  spec: { chart: { repository: 'https://charts.example.com', name: 'c', version: '1.0.0' }, valuesFrom: [{ externalSourceRef: { url } }] },
});

// The values sources the worker builds, with only externalSourceRef reachable.
const sources = (opts: ExternalSourceOptions = {}): ValuesSources => ({
  configMapKey: async () => undefined, secretKey: async () => undefined, chartFile: async () => undefined,
  external: (url) => fetchExternalValues(url, opts),
});

describe('valuesFrom.externalSourceRef and the address policy', () => {
  const servers: RepoServer[] = [];
  const serve = async (handler: Handler): Promise<RepoServer> => {
    const server = await startRepoServer(handler);
    servers.push(server);
    return server;
  };
  after(async () => Promise.all(servers.map(async (s) => s.close())));
  const values: Handler = (_req, res) => void res.writeHead(200).end('replicas: 3\n');
  const stalled = (message: RegExp) => (error: unknown): boolean => {
    assert.ok(error instanceof StallingError, `not a StallingError: ${String(error)}`);
    assert.equal(error.field, 'spec.valuesFrom[0].externalSourceRef.url');
    assert.match(error.message, message);
    assert.match(error.message, /unless started with --allow-private-networks$/);
    return true;
  };

  it('stalls naming the field when the URL points at loopback, and the server is never asked', async () => {
    const server = await serve(values);
    await assert.rejects(composeValues(release(`${server.origin}/values.yaml?token=abc`), sources()),
      stalled(/^spec\.valuesFrom\[0\]\.externalSourceRef\.url: http:\/\/127\.0\.0\.1:\d+\/values\.yaml: refused: 127\.0\.0\.1 is loopback/));
    assert.deepEqual(server.requests, []);
  });

  it('stalls on the cloud metadata address in any spelling, before any packet', async () => {
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://2852039166/', 'http://0xa9.0xfe.0xa9.0xfe/', 'http://[::ffff:169.254.169.254]/']) {
      await assert.rejects(composeValues(release(url), sources()), stalled(/169\.254\.169\.254|::ffff:a9fe:a9fe/), url);
    }
  });

  it('stalls when an allowed server redirects to a private address', async () => {
    const entry = await serve((_req, res) => void res.writeHead(302, { location: 'http://10.1.2.3:6379/' }).end());
    const network = onlyEndpoints([new URL(entry.origin).host]);
    await assert.rejects(composeValues(release(`${entry.origin}/values.yaml`), sources({ network })),
      stalled(/10\.1\.2\.3 is private \(10\.0\.0\.0\/8\), reached by a redirect to http:\/\/10\.1\.2\.3:6379\//));
    assert.equal(entry.requests.length, 1);
  });

  it('reads the values with --allow-private-networks', async () => {
    const server = await serve(values);
    assert.deepEqual((await composeValues(release(`${server.origin}/values.yaml`), sources({ network: ANY_ADDRESS }))).values, { replicas: 3 });
  });
});
