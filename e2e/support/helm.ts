import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type Result } from 'execa';
import { locateHelm } from '../../src/helm/binary.ts';

// The chart kept in the repo for tests: a Deployment, a Service and a `helm test` hook.
export const HELLO_CHART = new URL('../../test/fixtures/charts/hello', import.meta.url).pathname;

// Runs the helm Capstan would run, with its own cache/config/data homes so a test never touches the user's.
export function helmCli(): (args: string[]) => Promise<Result<{ reject: false }>> {
  const helm = locateHelm(process.env.CAPSTAN_HELM_BINARY, process.env);
  if (!helm) throw new Error('no helm: run helm-bin/build.sh');
  const home = mkdtempSync(join(tmpdir(), 'capstan-helm-home-'));
  const env = { HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data') };
  return (args) => execa(helm, args, { env, reject: false, timeout: 120_000 });
}
