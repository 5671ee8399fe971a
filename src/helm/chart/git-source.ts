import { randomUUID } from 'node:crypto';
import { access, cp, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Phase } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../errors/stalling-error.ts';
import { WaitingError } from '../../errors/waiting-error.ts';
import { GitError } from '../../git/git-error.ts';
import { type MirrorOptions, exportTree, fetchMirror, resolveRef, treeHash } from '../../git/mirror.ts';
import type { SecurityConfig } from '../../security-config.ts';
import type { KubeClient } from '../../kube/client.ts';
import { redact } from '../../redact.ts';
import { readYaml } from '../../yaml/read-yaml.ts';
import { YamlError, YamlProblem } from '../../yaml/yaml-error.ts';
import type { HelmRunner } from '../runner.ts';
import { assertContainedChart, assertLocalDependenciesInside } from './git-chart-checks.ts';
import { readGitCredentials } from './git-credentials.ts';
import { checkDependencyRepositories } from './dependency-hosts.ts';
import { checkGitChartUrl } from './remote-host-check.ts';
import type { ChartSources } from './resolve-chart.ts';

// What gitChartSource needs; the optional fields have the Helm Operator's defaults.
export interface GitChartDeps {
  kube: KubeClient;
  helm: HelmRunner;
  // Mirrors go to `<cacheDir>/git/`, exported charts to `<cacheDir>/git-charts/<tree id>`. Required.
  cacheDir: string;
  // The ref of a HelmRelease that sets no chart.ref, as --git-default-ref. Default 'master'.
  defaultRef?: string;
  // false never runs `helm dependency build`, as --update-chart-deps=false. Default true.
  updateDeps?: boolean;
  // Limit for one git command, as --git-timeout. Default 60_000 ms.
  timeoutMs?: number;
  // A mirror fetched less than this long ago is not fetched again, unless the job asks for a refresh (the poller
  // saw a new commit, the spec changed) or the ref or path is not in the mirror. main passes --git-poll-interval.
  // Default fetchMirror's, 5000 ms.
  minIntervalMs?: number;
  // What a HelmRelease may reach: secretRef in other namespaces, file:// URLs, credentials over http://. Required.
  security: SecurityConfig;
}

// How long a release waits after a Git fetch failed for a reason that may pass (network, timeout).
export const GIT_RETRY_AFTER_MS = 30_000;

// Fetch failures a person must fix: credentials refused or missing, no such repository. Anything else may pass.
const PERMANENT = /authentication failed|could not read (?:username|password)|not found|does not appear to be a git repository|does not exist|access denied|not exported|permission denied \(publickey|returned error: 40[0134]/i;
const GIT_URL = /^(?:(?:https?|ssh|git|file):\/\/\S+|[\w.~-]+@[\w.-]+:\S+)$/i;

const stall = (field: string, message: string, cause?: unknown): StallingError =>
  new StallingError(Phase.ChartFetchFailed, message, cause === undefined ? { field } : { field, cause });

// spec.chart.path as git names it: relative, without `..`; `.` and empty segments dropped ('' is the root).
function chartPath(path: string | undefined): string {
  if (!path?.trim()) throw stall('spec.chart.path', 'is required for a Git chart');
  const segments = path.split('/');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (path.startsWith('/') || /^[a-z]:[\\/]/i.test(path) || segments.includes('..') || /[\x00-\x1f\x7f]/.test(path)) {
    throw stall('spec.chart.path', `"${path}" must be a relative path inside the repository, without ".."`);
  }
  return segments.filter((s) => s !== '' && s !== '.').join('/');
}

function gitUrl(url: string | undefined): string {
  const trimmed = url?.trim() ?? '';
  if (!GIT_URL.test(trimmed)) {
    throw stall('spec.chart.git', `"${redact(trimmed, [])}" is not an http(s)://, ssh://, git:// or file:// URL, nor user@host:path`);
  }
  return trimmed;
}

// fetchMirror, its failures sorted: refused or missing repository stalls, anything else waits and retries.
async function fetchOrExplain(url: string, opts: MirrorOptions): Promise<string> {
  try {
    return await fetchMirror(url, opts);
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    const where = redact(url, opts.auth ? [opts.auth] : []);
    if (!error.timedOut && PERMANENT.test(error.stderr)) throw stall('spec.chart.git', `cannot fetch ${where}: ${error.detail}`, error);
    const why = error.timedOut ? 'timed out' : error.detail;
    throw new WaitingError(Phase.ChartFetchFailed, `cannot fetch ${where}: ${why}`, GIT_RETRY_AFTER_MS, { cause: error });
  }
}

async function listsDependencies(chartDir: string, path: string): Promise<boolean> {
  const text = await readFile(join(chartDir, 'Chart.yaml'), 'utf8').catch(() => undefined);
  if (text === undefined) throw stall('spec.chart.path', `"${path}" has no Chart.yaml`);
  let doc: unknown;
  try {
    doc = readYaml(text);
  } catch (err) {
    if (err instanceof YamlError && err.problem === YamlProblem.Limit) throw stall('spec.chart.path', `"${path}/Chart.yaml": ${err.message}`);
    return false; // helm reports the broken Chart.yaml itself
  }
  const deps = typeof doc === 'object' && doc !== null ? (doc as { dependencies?: unknown }).dependencies : undefined;
  return Array.isArray(deps) && deps.length > 0;
}

// The chart with `helm dependency build` run on a copy, `<dir>+deps`, built once per tree: the exported tree
// stays as Git has it for releases that skip dependency updates.
async function withDependencies(dir: string, helm: HelmRunner, signal: AbortSignal): Promise<string> {
  const built = `${dir}+deps`;
  if (await access(built).then(() => true, () => false)) return built;
  const tmp = `${built}.tmp-${randomUUID()}`;
  try {
    await cp(dir, tmp, { recursive: true, verbatimSymlinks: true });
    await helm.dependencyBuild({ chartDir: tmp, signal });
    await rename(tmp, built).catch(async (error: unknown) => {
      if (!(await access(built).then(() => true, () => false))) throw error;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return built;
}

// Resolves a Git chart (chart.git, chart.ref, chart.path) to a directory exported from a mirror. The digest is
// the path's tree id, so commits that leave the chart alone trigger no upgrade; `revision` is the commit.
export function gitChartSource(deps: GitChartDeps): NonNullable<ChartSources['git']> {
  return async (hr, signal, opts) => {
    const chart = hr.spec.chart;
    const path = chartPath(chart.path);
    const url = gitUrl(chart.git);
    await checkGitChartUrl(url, deps.security); // file:// only with --allow-file-urls; the host must be public
    const { auth, scope } = await readGitCredentials(hr, deps.kube, deps.security); // own namespace, never over http://
    const where = redact(url, auth ? [auth] : []);
    const gitOpts = { signal, timeoutMs: deps.timeoutMs, untrustedRemote: true }; // no default ssh key, no redirects
    const ref = chart.ref?.trim() || deps.defaultRef || 'master';
    // fetched when asked (refresh), when the mirror is older than minIntervalMs, or when the ref or path is not
    // in the mirror yet (a cache miss): never on a routine resync of an unchanged source
    let found: { dir: string; sha?: string; tree?: string } | undefined;
    for (const force of opts?.refresh ? [true] : [false, true]) {
      const dir = await fetchOrExplain(url, { ...gitOpts, cacheDir: deps.cacheDir, minIntervalMs: force ? 0 : deps.minIntervalMs, auth, scope });
      const sha = await resolveRef(dir, ref, gitOpts);
      found = { dir, sha, tree: sha ? await treeHash(dir, sha, path, gitOpts) : undefined };
      if (found.tree) break;
    }
    const { dir, sha, tree } = found ?? { dir: '' };
    if (!sha) throw stall('spec.chart.ref', `"${ref}" is not a branch, tag or commit of ${where}`);
    if (!tree) throw stall('spec.chart.path', `"${chart.path}" is not a directory in commit ${sha} (${ref}) of ${where}`);
    const exported = await exportTree(dir, { sha, path, dest: join(deps.cacheDir, 'git-charts', tree) }, gitOpts);
    await assertContainedChart(exported, path); // no link out of the chart, no special file, within CHART_LIMITS
    const build = (await listsDependencies(exported, chart.path ?? '')) && deps.updateDeps !== false && !chart.skipDepUpdate;
    if (build) await assertLocalDependenciesInside(exported, path);
    if (build) await checkDependencyRepositories(exported, path, deps.security); // helm dials their hosts itself
    const chartDir = build ? await withDependencies(exported, deps.helm, signal) : exported;
    return { ref: chartDir, archive: chartDir, revision: sha, digest: `git:${tree}` };
  };
}
