import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { ChartSpec } from '../../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../../src/errors/stalling-error.ts';
import type { ImportedRepository } from '../../../src/helm/chart/imported-repositories.ts';
import { resolveChart } from '../../../src/helm/chart/resolve-chart.ts';
import type { KubeClient } from '../../../src/kube/client.ts';
import { SECURE_DEFAULTS, type SecurityConfig } from '../../../src/security-config.ts';
import { indexYaml, serveFiles, startRepoServer } from './repo-server.ts';
import { chartTgz } from './tar-fixture.ts';

const FILE = { username: 'file-user', password: 'file-s3cret-7a2' };
const PULL = { username: 'puller', password: 'pull-s3cret-44d1' };
const basic = (a: { username: string; password: string }) => `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}`;
const LOOPBACK = { ...SECURE_DEFAULTS, allowPrivateNetworks: true };
const INSECURE_OK = { ...LOOPBACK, allowInsecureCredentials: true };

// Which credentials a chart repository gets when --helm-repository-import has an entry for its URL.
describe('--helm-repository-import credentials in resolveChart', () => {
  const root = mkdtempSync(join(tmpdir(), 'capstan-imported-credentials-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const run = async (opts: { chart: (origin: string) => Partial<ChartSpec>; entries: (origin: string) => ImportedRepository[]; security: SecurityConfig }) => {
    const files = { '/charts/index.yaml': indexYaml([['hello', '1.0.0', 'hello-1.0.0.tgz']]), '/charts/hello-1.0.0.tgz': chartTgz() };
    const server = await startRepoServer(serveFiles(files));
    const kube = { secretKey: async (_ns: string, _name: string, key: string) => PULL[key as 'username' | 'password'] } as unknown as KubeClient;
    try {
      const chart = { repository: `${server.origin}/charts`, name: 'hello', version: '1.0.0', ...opts.chart(server.origin) };
      const result = await resolveChart(
        { apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', metadata: { namespace: 'apps', name: 'x' }, spec: { chart } },
        { kube, cacheDir: mkdtempSync(join(root, 'cache-')), sources: { repositories: opts.entries(server.origin) }, signal: new AbortController().signal, security: opts.security },
      ).catch((e: unknown) => e);
      return { result, authorizations: server.requests.map((r) => r.headers.authorization) };
    } finally {
      await server.close();
    }
  };
  const entry = (url: string): ImportedRepository[] => [{ name: 'private', url, auth: FILE }];

  it('the entry whose URL matches (normalised: a trailing slash) gives index and tarball its credentials', async () => {
    const { result, authorizations } = await run({ chart: () => ({}), entries: (o) => entry(`${o}/charts/`), security: INSECURE_OK });
    assert.ok(!(result instanceof Error), String(result));
    assert.deepEqual(authorizations, [basic(FILE), basic(FILE)]);
  });

  it('an entry for another URL gives nothing', async () => {
    const { authorizations } = await run({ chart: () => ({}), entries: (o) => entry(`${o}/other`), security: INSECURE_OK });
    assert.deepEqual(authorizations, [undefined, undefined]);
  });

  it('chartPullSecret wins over the file, as in the Helm Operator', async () => {
    const { authorizations } = await run({ chart: () => ({ chartPullSecret: { name: 'pull' } }), entries: (o) => entry(`${o}/charts`), security: INSECURE_OK });
    assert.deepEqual(authorizations, [basic(PULL), basic(PULL)]);
  });

  it('user info written in spec.chart.repository wins over the file', async () => {
    const { authorizations } = await run({
      chart: (o) => ({ repository: `${o.replace('http://', 'http://url-user:url-pass@')}/charts` }), entries: (o) => entry(`${o}/charts`), security: INSECURE_OK,
    });
    const url = basic({ username: 'url-user', password: 'url-pass' });
    assert.deepEqual(authorizations, [url, url]);
  });

  it('over plain http:// the file\'s credentials are refused, naming the entry and the flag, and nothing is sent', async () => {
    const { result, authorizations } = await run({ chart: () => ({}), entries: (o) => entry(`${o}/charts`), security: LOOPBACK });
    assert.ok(result instanceof StallingError, String(result));
    assert.equal(result.field, 'spec.chart.repository');
    assert.match(result.message, /the credentials from the --helm-repository-import entry "private" would be sent over plain http:\/\/.*--allow-insecure-credentials/);
    assert.doesNotMatch(result.message, new RegExp(FILE.password));
    assert.deepEqual(authorizations, []);
  });
});
