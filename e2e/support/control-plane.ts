import { execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { execa } from 'execa';
import { eventually } from './cluster.ts';

const CLUSTER = new URL('../cluster/', import.meta.url).pathname;

// Gone, or a zombie nobody reaps (up.sh's shell, its parent, has exited).
function stopped(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] === 'Z';
  } catch {
    return true;
  }
}

// A local control plane of one test's own (e2e/cluster/up.sh), for tests that restart its API server; never the
// shared one. `close` tears it down (down.sh), and so does the test process exiting without it.
export interface OwnControlPlane {
  dir: string;
  kubeconfig: string;
  kc: k8s.KubeConfig;
  // Stops kube-apiserver (SIGTERM, SIGKILL 5 s on), keeps it down for `downMs`, starts it again with the same
  // arguments and waits until it is ready. etcd keeps the data; the other components reconnect.
  restartApiServer(downMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startControlPlane(): Promise<OwnControlPlane> {
  const dir = (await execa('bash', [join(CLUSTER, 'up.sh')], { stderr: 'inherit', timeout: 600_000 })).stdout.trim();
  const down = () => execFileSync('bash', [join(CLUSTER, 'down.sh'), dir], { stdio: 'ignore' });
  process.on('exit', down);
  const env = readFileSync(join(dir, 'env'), 'utf8');
  const value = (name: string) => new RegExp(`^export ${name}=(.*)$`, 'm').exec(env)?.[1] ?? '';
  const kubeconfig = value('KUBECONFIG');
  const kubectl = value('CAPSTAN_KUBECTL');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const pidFile = join(dir, 'pids', 'kube-apiserver.pid');
  const ready = () => eventually('kube-apiserver to be ready', async () =>
    (await execa(kubectl, ['--kubeconfig', kubeconfig, 'get', '--raw=/readyz'], { reject: false, timeout: 10_000 })).stdout === 'ok' || undefined, 180_000);
  return {
    dir, kubeconfig, kc,
    async restartApiServer(downMs = 2_000) {
      const pid = Number(readFileSync(pidFile, 'utf8'));
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (!argv[0]?.endsWith('/kube-apiserver')) throw new Error(`pid ${pid} is not this run's kube-apiserver`);
      // its graceful shutdown drains requests for up to a minute: 5 s of it, then SIGKILL, as a crash would end it
      process.kill(pid, 'SIGTERM');
      const gone = () => eventually('kube-apiserver to stop', async () => (stopped(pid) || undefined), 5_000);
      await gone().catch(async () => {
        process.kill(pid, 'SIGKILL');
        await eventually('kube-apiserver to die', async () => (stopped(pid) || undefined), 30_000);
      });
      await new Promise((r) => setTimeout(r, downMs));
      const log = openSync(join(dir, 'logs', 'kube-apiserver.log'), 'a');
      const child = spawn(argv[0], argv.slice(1), { detached: true, stdio: ['ignore', log, log] });
      closeSync(log);
      child.unref();
      writeFileSync(pidFile, String(child.pid));
      await ready();
    },
    async close() {
      process.off('exit', down);
      await execa('bash', [join(CLUSTER, 'down.sh'), dir], { reject: false });
    },
  };
}
