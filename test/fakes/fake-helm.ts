import type { ReleaseInfo } from '../../src/helm/release-output.ts';
import type { HelmRunner, InstallOptions } from '../../src/helm/runner.ts';
import type { FakeKube } from './fake-kube.ts';

// A HelmRunner that records calls and writes revisions into FakeKube's Helm storage, as helm would.
// `fail` makes the named verbs fail; `during` runs while each call is under way (to see what it sees). Install and
// upgrade report the revision they made and an empty manifest, as `helm --output json` does.
export class FakeHelm implements HelmRunner {
  calls: Array<{ verb: string; release: string; values?: Record<string, unknown>; force?: boolean }> = [];
  fail = new Set<string>();
  // the user-supplied values of each release's newest revision (`ns/release`), as `helm get values` reports them;
  // install and upgrade set them, a test may seed them; and the chart version `helm get metadata` reports
  deployedValues = new Map<string, Record<string, unknown>>();
  chartVersion = '0.1.0';
  during?: (verb: string) => void;
  private readonly kube: FakeKube;
  constructor(kube: FakeKube) {
    this.kube = kube;
  }

  private revise(ns: string, release: string, status: string): number {
    const key = `${ns}/${release}`;
    const history = this.kube.storage.get(key) ?? [];
    for (const r of history) if (r.status === 'deployed') r.status = status === 'deployed' ? 'superseded' : r.status;
    const version = (history[0]?.version ?? 0) + 1;
    this.kube.storage.set(key, [{ version, status, chart: 'hello' }, ...history]);
    return version;
  }
  private async act(verb: string, o: { release: string; namespace: string; values?: Record<string, unknown>; force?: boolean }): Promise<ReleaseInfo> {
    this.calls.push({ verb, release: o.release, values: o.values, ...(o.force === undefined ? {} : { force: o.force }) });
    this.during?.(verb);
    if (this.fail.has(verb)) {
      if (verb !== 'test') this.revise(o.namespace, o.release, 'failed');
      throw new Error(`${verb} failed`);
    }
    if (verb === 'test') return {};
    if (o.values) this.deployedValues.set(`${o.namespace}/${o.release}`, structuredClone(o.values));
    return { version: this.revise(o.namespace, o.release, 'deployed'), status: 'deployed', manifest: '' };
  }
  // as helm: a name whose history is kept (even uninstalled) is taken unless --replace
  install = async (o: InstallOptions) => {
    if ((this.kube.storage.get(`${o.namespace}/${o.release}`)?.length ?? 0) > 0 && !o.replace) {
      this.calls.push({ verb: 'install', release: o.release });
      throw new Error('cannot re-use a name that is still in use');
    }
    return this.act('install', o);
  };
  upgrade = (o: InstallOptions) => this.act('upgrade', o);
  rollback = async (o: { release: string; namespace: string; force?: boolean }) => void (await this.act('rollback', o));
  test = async (o: { release: string; namespace: string }) => void (await this.act('test', o));
  async uninstall(o: { release: string; namespace: string }) {
    this.calls.push({ verb: 'uninstall', release: o.release });
    this.during?.('uninstall');
    this.kube.storage.delete(`${o.namespace}/${o.release}`);
  }
  async manifest() { this.calls.push({ verb: 'get', release: '' }); return ''; }
  async metadata(o: { release: string; namespace: string }) {
    this.calls.push({ verb: 'get', release: o.release });
    const latest = this.kube.storage.get(`${o.namespace}/${o.release}`)?.[0];
    return latest && { chart: latest.chart, version: this.chartVersion, revision: latest.version, status: latest.status };
  }
  async values(o: { release: string; namespace: string }) {
    this.calls.push({ verb: 'get', release: o.release });
    return structuredClone(this.deployedValues.get(`${o.namespace}/${o.release}`));
  }
  async dependencyBuild() {}
}
