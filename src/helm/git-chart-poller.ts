import type { Logger } from 'pino';
import type { HelmRelease } from '../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { lsRemote, type GitAuth } from '../git/mirror.ts';
import type { KubeClient } from '../kube/client.ts';
import { SECURE_DEFAULTS, type SecurityConfig } from '../security-config.ts';
import { releaseRefusal } from './check-references.ts';
import { gitCredentialsRefusal, readGitCredentials } from './chart/git-credentials.ts';
import { checkGitChartUrl } from './chart/remote-host-check.ts';
import { EnqueueReason } from './queue/release-job.ts';

// Settings of the Git chart poller; defaults: every 5m (the Helm Operator's --git-poll-interval), ref `master`
// (its --git-default-ref), 20 s per ls-remote (--git-timeout).
export interface GitPollerOptions {
  releases: () => readonly HelmRelease[];
  enqueue: (hr: HelmRelease, reason: string) => void;
  kube: KubeClient;
  log: Logger;
  intervalMs?: number;
  defaultRef?: string;
  timeoutMs?: number;
  onPoll?: (result: 'unchanged' | 'changed' | 'error') => void;
  // The URLs git may dial, as the worker checks them (file://, private addresses). Default SECURE_DEFAULTS.
  security?: SecurityConfig;
}

// chart.secretRef's credentials, read only as the worker would: own namespace, never over http:// (git-credentials.ts).
async function authOf(hr: HelmRelease, kube: KubeClient, security: SecurityConfig): Promise<GitAuth | undefined> {
  return (await readGitCredentials(hr, kube, security)).auth;
}

// Polls each Git chart source (one `git ls-remote` per URL+ref+credentials, not per release) and enqueues the
// releases using it when the ref moves; the worker then upgrades only those whose chart path changed. A source
// that fails is skipped for a doubling number of rounds (up to 32), so a dead remote is not hammered.
export function startGitChartPoller(opts: GitPollerOptions): { stop(): void } {
  const seen = new Map<string, string>(); // source key → commit
  const backoff = new Map<string, { skip: number; next: number }>();
  const security = opts.security ?? SECURE_DEFAULTS;
  const poll = async (): Promise<void> => {
    const groups = new Map<string, HelmRelease[]>();
    for (const hr of opts.releases()) {
      const c = hr.spec.chart;
      if (!c.git || hr.metadata.deletionTimestamp) continue;
      // a release the worker refuses (names, namespaces, credentials over http://) is never polled: it stalls there
      if (releaseRefusal(hr, security) ?? gitCredentialsRefusal(hr, security)) continue;
      const key = JSON.stringify([c.git, c.ref ?? opts.defaultRef ?? 'master', c.secretRef?.namespace ?? hr.metadata.namespace, c.secretRef?.name ?? '']);
      groups.set(key, [...(groups.get(key) ?? []), hr]);
    }
    for (const [key, hrs] of groups) {
      const b = backoff.get(key);
      if (b && b.skip-- > 0) continue;
      const [url, ref] = JSON.parse(key) as [string, string];
      try {
        await checkGitChartUrl(url, opts.security ?? SECURE_DEFAULTS); // a refused URL is never dialled; the worker stalls it
        const sha = await lsRemote(url, ref, { auth: await authOf(hrs[0] as HelmRelease, opts.kube, security), timeoutMs: opts.timeoutMs ?? 20_000, untrustedRemote: true });
        backoff.delete(key);
        const before = seen.get(key);
        if (sha) seen.set(key, sha);
        const changed = before !== undefined && sha !== before;
        opts.onPoll?.(changed ? 'changed' : 'unchanged');
        if (changed) for (const hr of hrs) opts.enqueue(hr, EnqueueReason.ChartChanged);
      } catch (err) {
        const next = Math.min((b?.next ?? 1) * 2, 32);
        backoff.set(key, { skip: next, next });
        opts.onPoll?.('error');
        opts.log.warn({ err: (err as Error).message, skipRounds: next }, 'git chart source poll failed');
      }
    }
  };
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void poll().finally(() => { running = false; });
  }, opts.intervalMs ?? 300_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
