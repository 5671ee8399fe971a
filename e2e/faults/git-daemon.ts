import { connect } from 'node:net';
import { execa, type ResultPromise } from 'execa';
import { eventually } from '../support/cluster.ts';
import { GIT_ENV } from '../support/git-server.ts';
import { freePort } from '../support/net.ts';

// A second `git daemon` over a GitServer's repositories, on a port that stays the same, which a test can stop
// and start again: the Git server gone for a while, and back.
export interface StoppableGitDaemon { url(repo: string): string; stop(): Promise<void>; start(): Promise<void> }

const listening = (port: number) => new Promise<boolean>((resolve) => {
  const socket = connect(port, '127.0.0.1');
  socket.once('connect', () => { socket.destroy(); resolve(true); });
  socket.once('error', () => resolve(false));
});

export async function stoppableGitDaemon(reposDir: string): Promise<StoppableGitDaemon> {
  const port = await freePort();
  let daemon: ResultPromise | undefined;
  const self: StoppableGitDaemon = {
    url: (repo) => `git://127.0.0.1:${port}/${repo}.git`,
    async start() {
      if (daemon) return;
      daemon = execa('git', ['daemon', `--base-path=${reposDir}`, '--export-all', '--listen=127.0.0.1', `--port=${port}`, '--reuseaddr', reposDir], { env: GIT_ENV, reject: false });
      await eventually(`git daemon on port ${port}`, async () => (await listening(port)) || undefined, 15_000);
    },
    async stop() {
      const d = daemon;
      daemon = undefined;
      d?.kill();
      await d;
    },
  };
  await self.start();
  return self;
}
