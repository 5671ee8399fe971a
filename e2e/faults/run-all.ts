// `npm run test:faults`: issue 9's Faults suite with its long repetitions (the test command runs a small version
// of each scenario, e2e/faults-*.test.ts), then one table: per scenario, runs and how many ended correctly.
// Exits 1 when any run did not. FAULTS=kill,redis,apiserver,git,sigterm picks scenarios, KILL_VERBS=install,upgrade,
// rollback,test the verbs the kill scenario interrupts; FAULT_REPEAT scales runs.
import { apiServerScenario } from './apiserver-scenario.ts';
import { gitOutageScenario } from './git-scenario.ts';
import { KILL_VERBS, killScenario, type KillVerb } from './kill-scenario.ts';
import { redisScenario } from './redis-scenario.ts';
import { reportTable, type ScenarioReport } from './report.ts';
import { sigtermScenario } from './sigterm-scenario.ts';

const picked = new Set((process.env.FAULTS ?? 'kill,redis,apiserver,git,sigterm').split(','));
const repeat = Number(process.env.FAULT_REPEAT ?? 1);
const killVerbs = (process.env.KILL_VERBS?.split(',') ?? KILL_VERBS).filter((v): v is KillVerb => (KILL_VERBS as readonly string[]).includes(v));
const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const scenarios: Array<[string, string, () => Promise<ScenarioReport | ScenarioReport[]>]> = [
  ['kill', 'SIGKILL of a worker, 5 times each during install, upgrade, rollback and test', () => killScenario(5 * repeat, log, killVerbs)],
  ['redis', 'Redis restarted in a wave of 50 releases, 3 times', () => redisScenario('restart', 3 * repeat, 50, log)],
  ['redis', 'Redis flushed in a wave of 50 releases, 3 times', () => redisScenario('flush', 3 * repeat, 50, log)],
  ['apiserver', 'API server restarted during a sync and during releases, 5 times each', () => apiServerScenario(5 * repeat, log)],
  ['git', 'Git server gone for a while, 5 times', () => gitOutageScenario(5 * repeat, log)],
  ['sigterm', 'SIGTERM mid-helm, 5 times each way', () => sigtermScenario(5 * repeat, log)],
];

const reports: ScenarioReport[] = [];
for (const [key, what, run] of scenarios) {
  if (!picked.has(key)) continue;
  log(`== ${what}`);
  const t0 = Date.now();
  try {
    reports.push(...[await run()].flat());
  } catch (err) {
    reports.push({ scenario: what, runs: [{ ok: false, why: `the scenario could not run: ${(err as Error).stack ?? err}` }] });
  }
  log(`== done in ${Math.round((Date.now() - t0) / 1000)} s`);
}
console.log(`\n${reportTable(reports)}`);
process.exit(reports.every((r) => r.runs.length > 0 && r.runs.every((x) => x.ok)) ? 0 : 1);
