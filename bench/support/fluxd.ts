import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { freePort } from '../../e2e/support/net.ts';

// fluxd 1.25.4 (the sync benchmark's peer, built by `e2e/tools/fluxctl.sh fluxd`), run out of cluster against the
// local control plane: its own sync tag in the repository, registry scanning off (so no memcached), no call home
// (CHECKPOINT_DISABLE), both listeners on loopback, kubectl from CAPSTAN_KUBECTL.
export interface Fluxd { pid: number | undefined; output(): string; stop(): Promise<void> }

// Starts fluxd syncing `gitUrl`'s main branch into `namespace` (its default and only allowed namespace).
export async function startFluxd(opts: { gitUrl: string; namespace: string; syncTag: string }): Promise<Fluxd> {
  const bin = process.env.CAPSTAN_FLUXD;
  if (!bin) throw new Error('no fluxd: run `e2e/tools/fluxctl.sh fluxd` and export CAPSTAN_FLUXD');
  const [port, metricsPort] = [await freePort(), await freePort()];
  const keys = mkdtempSync(join(tmpdir(), 'bench-fluxd-'));
  const proc = execa(bin, [
    '--git-url', opts.gitUrl, '--git-branch', 'main', '--git-sync-tag', opts.syncTag, '--git-poll-interval', '1h',
    '--sync-interval', '1h', '--sync-timeout', '20m', '--git-timeout', '60s',
    '--k8s-allow-namespace', opts.namespace, '--k8s-default-namespace', opts.namespace,
    '--registry-disable-scanning', '--memcached-hostname', '127.0.0.1', '--ssh-keygen-dir', keys,
    '--kubernetes-kubectl', process.env.CAPSTAN_KUBECTL ?? 'kubectl', '--kube-config', process.env.KUBECONFIG ?? '',
    '--listen', `127.0.0.1:${port}`, '--listen-metrics', `127.0.0.1:${metricsPort}`,
  ], { reject: false, all: true, buffer: false, env: { CHECKPOINT_DISABLE: '1', GIT_TERMINAL_PROMPT: '0' } });
  let out = '';
  proc.all?.on('data', (chunk: Buffer) => { out = (out + chunk.toString()).slice(-20_000); });
  return {
    pid: proc.pid,
    output: () => out,
    async stop() {
      proc.kill('SIGTERM');
      await proc;
      rmSync(keys, { recursive: true, force: true });
    },
  };
}
