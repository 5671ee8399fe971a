import type { HelmRunner } from './runner.ts';

// The helm calls that are release actions, timed for flux_helm_operator_release_action_duration_seconds.
const TIMED = ['install', 'upgrade', 'rollback', 'test', 'uninstall'] as const;

// A HelmRunner that reports how long each release action took and whether it succeeded; reads are not timed.
export function timedRunner(runner: HelmRunner, observe: (action: string, success: boolean, seconds: number) => void): HelmRunner {
  const timed = { ...runner };
  for (const action of TIMED) {
    if (typeof runner[action] !== 'function') continue;
    const call = runner[action].bind(runner) as (opts: never) => Promise<unknown>;
    (timed as Record<string, unknown>)[action] = async (opts: never) => {
      const started = performance.now();
      let success = false;
      try {
        const result = await call(opts);
        success = true;
        return result;
      } finally {
        observe(action, success, (performance.now() - started) / 1000);
      }
    };
  }
  return timed;
}
