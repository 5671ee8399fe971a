import type { HelmRelease, HelmReleaseStatus } from '../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import type { HelmRevision, KubeClient, ObjectRef } from '../../src/kube/client.ts';

// An in-memory KubeClient: HelmReleases, ConfigMaps/Secrets, Helm storage and events, for unit tests.
export class FakeKube implements KubeClient {
  releases = new Map<string, HelmRelease>();
  data = new Map<string, string>(); // `ConfigMap/ns/name/key` or `Secret/ns/name/key`
  storage = new Map<string, HelmRevision[]>(); // `ns/release` → newest first
  events: Array<{ type: string; reason: string; message: string }> = [];
  statusWrites = 0;
  reads: string[] = []; // `ConfigMap/ns/name`, `Secret/ns/name`, `HelmStorage/ns/release`: every read, in order

  put(hr: HelmRelease): void { this.releases.set(`${hr.metadata.namespace}/${hr.metadata.name}`, structuredClone(hr)); }
  async getHelmRelease(ns: string, name: string) { const hr = this.releases.get(`${ns}/${name}`); return hr && structuredClone(hr); }
  async listHelmReleases() { return [...this.releases.values()]; }
  async patchHelmReleaseStatus(hr: HelmRelease, status: Partial<HelmReleaseStatus>) {
    const cur = this.releases.get(`${hr.metadata.namespace}/${hr.metadata.name}`);
    if (!cur) return;
    this.statusWrites++;
    cur.status = { ...cur.status, ...structuredClone(status) };
  }
  async setFinalizers(hr: HelmRelease, finalizers: string[]) {
    const key = `${hr.metadata.namespace}/${hr.metadata.name}`;
    const cur = this.releases.get(key);
    if (!cur) return false;
    if (cur.metadata.deletionTimestamp && finalizers.length === 0) this.releases.delete(key);
    else cur.metadata.finalizers = finalizers;
    return true;
  }
  async configMapKey(ns: string, name: string, key: string) { this.reads.push(`ConfigMap/${ns}/${name}`); return this.data.get(`ConfigMap/${ns}/${name}/${key}`); }
  async secretKey(ns: string, name: string, key: string) { this.reads.push(`Secret/${ns}/${name}`); return this.data.get(`Secret/${ns}/${name}/${key}`); }
  async createSecret(ns: string, name: string, data: Record<string, string>) {
    if ([...this.data.keys()].some((k) => k.startsWith(`Secret/${ns}/${name}/`))) return false;
    for (const [key, value] of Object.entries(data)) this.data.set(`Secret/${ns}/${name}/${key}`, value);
    return true;
  }
  async helmHistory(ns: string, release: string) { this.reads.push(`HelmStorage/${ns}/${release}`); return structuredClone(this.storage.get(`${ns}/${release}`) ?? []); }
  async markHelmRevisionFailed(ns: string, release: string, version: number) {
    const rev = this.storage.get(`${ns}/${release}`)?.find((r) => r.version === version);
    if (rev) rev.status = 'failed';
  }
  // Helm's stored manifest of a revision: empty, as the fake helm reports it, unless a test sets one.
  async releaseManifest(ns: string, release: string, _version: number): Promise<string | undefined> { this.reads.push(`HelmManifest/${ns}/${release}`); return ''; }
  async event(_hr: HelmRelease, type: 'Normal' | 'Warning', reason: string, message: string) { this.events.push({ type, reason, message }); }
  async annotations(_ref: ObjectRef) { return {}; }
  async annotate() {}
}
