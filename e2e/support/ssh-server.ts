import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { eventually } from './cluster.ts';
import { freePort } from './net.ts';

const SSHD = '/usr/sbin/sshd';

// An sshd of the test's own on 127.0.0.1 (Debian's openssh-server; the test command installs it), accepting one
// generated client key for the current user. `keyFile` is that client key, `hostKeyLine` its known_hosts entry.
export interface SshServer { port: number; keyFile: string; knownHostsFile: string; close(): Promise<void> }

export async function startSshServer(): Promise<SshServer> {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-sshd-'));
  const keygen = (file: string) => execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
  await keygen(join(dir, 'host_key'));
  await keygen(join(dir, 'client_key'));
  const { stdout: clientPub } = await execa('cat', [join(dir, 'client_key.pub')]);
  const { stdout: hostPub } = await execa('cat', [join(dir, 'host_key.pub')]);
  writeFileSync(join(dir, 'authorized_keys'), `${clientPub}\n`, { mode: 0o600 });
  const port = await freePort();
  writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostPub}\n`);
  writeFileSync(join(dir, 'sshd_config'), [
    `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${join(dir, 'host_key')}`, `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'PubkeyAuthentication yes', 'PermitRootLogin prohibit-password',
    'StrictModes no', 'UsePAM no', `PidFile ${join(dir, 'sshd.pid')}`, 'LogLevel ERROR',
  ].join('\n'));
  mkdirSync('/run/sshd', { recursive: true }); // sshd's privilege separation directory
  const sshd: ResultPromise = execa(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { reject: false });
  await eventually('sshd to listen', async () => {
    const r = await execa('ssh', ['-i', join(dir, 'client_key'), '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${join(dir, 'known_hosts')}`,
      '-o', 'StrictHostKeyChecking=yes', '-p', String(port), '127.0.0.1', 'true'], { reject: false, timeout: 5_000 });
    return r.exitCode === 0 || undefined;
  }, 15_000);
  return {
    port, keyFile: join(dir, 'client_key'), knownHostsFile: join(dir, 'known_hosts'),
    async close() {
      sshd.kill();
      await sshd;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
