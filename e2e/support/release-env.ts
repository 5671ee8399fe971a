import { type CapstanProcess, startCapstan } from './capstan.ts';
import { type ChartRepo, startChartRepo } from './chart-repo.ts';
import { freshNamespace, kubeConfig } from './cluster.ts';
import { applyCrd } from './crd.ts';
import { helmReleases } from './helm-releases.ts';

// What a HelmRelease e2e test runs against: the CRD, a fresh namespace, a chart repository with hello 0.1.0, and
// `capstan run` watching that namespace on its own queue. `stop` undoes all of it.
export interface ReleaseEnv {
  ns: string;
  repo: ChartRepo;
  capstan: CapstanProcess;
  hrs: ReturnType<typeof helmReleases>;
  chart(): { repository: string; name: string; version: string };
  stop(): Promise<void>;
}

export async function startReleaseEnv(opts: { prefix: string; queue: string; args?: string[] }): Promise<ReleaseEnv> {
  const kc = kubeConfig();
  await applyCrd(kc);
  const [ns, dropNamespace] = await freshNamespace(kc, opts.prefix);
  const repo = await startChartRepo();
  await repo.publish('0.1.0');
  const capstan = await startCapstan({ role: 'run', namespace: ns, queue: opts.queue, args: opts.args });
  return {
    ns, repo, capstan, hrs: helmReleases(kc, ns),
    chart: () => ({ repository: repo.url, name: 'hello', version: '0.1.0' }),
    async stop() {
      await capstan.stop();
      await repo.close();
      await dropNamespace();
    },
  };
}
