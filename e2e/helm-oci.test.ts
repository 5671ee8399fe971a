import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { applyCrd } from './support/crd.ts';
import { HELLO_CHART, helmCli } from './support/helm.ts';
import { helmHistory, helmReleases } from './support/helm-releases.ts';
import { type Registry, startRegistry } from './support/registry.ts';

// OCI charts as a user pushes them: the real `helm push` into a distribution registry on 127.0.0.1 (plain HTTP,
// as a local registry is), and a HelmRelease naming `oci://127.0.0.1:PORT/charts`. Capstan passes helm
// --plain-http for a loopback registry, so nothing else needs saying.
describe('OCI charts (chart.repository: oci://…) from a local registry', () => {
  const kc = kubeConfig();
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const helm = helmCli();
  const dir = mkdtempSync(join(tmpdir(), 'capstan-oci-'));
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let registry: Registry;
  let capstan: CapstanProcess | undefined;
  let hrs: ReturnType<typeof helmReleases>;

  const ok = async (args: string[]): Promise<string> => {
    const r = await helm(args);
    assert.equal(r.exitCode, 0, `helm ${args.join(' ')} failed: ${r.stderr}`);
    return `${r.stdout}${r.stderr}`;
  };
  // Packages the hello chart at `version`, its default message changed to `message`, and pushes it.
  const push = async (version: string, message: string): Promise<void> => {
    const chart = join(dir, `hello-${version}`, 'hello');
    cpSync(HELLO_CHART, chart, { recursive: true });
    const values = join(chart, 'values.yaml');
    writeFileSync(values, readFileSync(values, 'utf8').replace(/^message: .*$/m, `message: ${message}`));
    await ok(['package', chart, '--version', version, '--destination', dir]);
    const out = await ok(['push', join(dir, `hello-${version}.tgz`), `oci://${registry.host}/charts`, '--plain-http']);
    assert.match(out, new RegExp(`Pushed: ${registry.host}/charts/hello:${version.replaceAll('.', '\\.')}`));
  };
  const message = async (release: string): Promise<string | undefined> =>
    (await apps.readNamespacedDeployment({ name: `${release}-hello`, namespace: ns })).spec?.template.metadata?.annotations?.['hello/message'];

  before(async () => {
    await applyCrd(kc);
    [ns, dropNamespace] = await freshNamespace(kc, 'oci');
    hrs = helmReleases(kc, ns);
    registry = await startRegistry();
    await push('0.1.0', 'from-oci-0.1.0');
    capstan = await startCapstan({ role: 'run', namespace: ns, queue: uniqueName('oci') });
  });
  after(async () => {
    await capstan?.stop();
    await registry?.stop();
    await dropNamespace();
    rmSync(dir, { recursive: true, force: true });
  });

  it('installs the chart helm pushed, then upgrades to a newer pushed version when chart.version names it', async () => {
    const chart = { repository: `oci://${registry.host}/charts`, name: 'hello', version: '0.1.0' };
    await hrs.create('web', { releaseName: 'web', chart });
    let hr = await hrs.waitFor('web', 'Ready', 'True', 120_000);
    assert.equal(hr.status?.revision, '0.1.0');
    assert.equal(await message('web'), 'from-oci-0.1.0');

    await push('0.2.0', 'from-oci-0.2.0');
    await hrs.patchSpec('web', { chart: { ...chart, version: '0.2.0' } });
    hr = await hrs.waitFor('web', 'Ready', 'True', 120_000);
    assert.equal(hr.status?.revision, '0.2.0');
    assert.equal(await message('web'), 'from-oci-0.2.0');
    assert.deepEqual((await helmHistory(kc, ns, 'web')).map((h) => [h.version, h.status]), [[2, 'deployed'], [1, 'superseded']]);
  });

  it('a version the registry does not hold is reported on the release', async () => {
    await hrs.create('missing', { releaseName: 'missing', chart: { repository: `oci://${registry.host}/charts`, name: 'hello', version: '9.9.9' } });
    const reported = await eventually('HelmRelease missing to report the missing version', async () => {
      const hr = await hrs.get('missing');
      return hr.status?.conditions?.find((c) => c.status === 'False' && /9\.9\.9/.test(c.message ?? ''))?.message;
    }, 120_000);
    assert.match(reported, /helm install missing oci:\/\/127\.0\.0\.1:\d+\/charts\/hello .*hello:9\.9\.9: not found/);
  });
});
