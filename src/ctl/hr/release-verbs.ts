import type { Command } from 'commander';
import type { HelmRelease } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { releaseNameOf, targetNamespaceOf } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { locateHelm } from '../../helm/binary.ts';
import { REQUESTED_AT_ANNOTATION } from '../../helm/reconcile-request.ts';
import { type CtlContext, durationMs, formatOf, optsOf, outputOption } from '../ctl-context.ts';
import { CtlError, ExitCode } from '../exit.ts';
import { render } from '../output.ts';
import { diffRelease } from './release-diff.ts';
import { historyOf, historyTable } from './release-history.ts';
import { loadUserKubeConfig, type ReleaseKube, releaseKube } from './release-kube.ts';
import { releasesTable } from './release-table.ts';
import { waitReconciled } from './wait-reconciled.ts';

interface KubeFlags { kubeconfig?: string; context?: string; namespace?: string; output: string; timeout: string; wait: boolean }

// `VERB hr`: the HelmRelease subcommand of a verb (also `helmrelease`, `helmreleases`), with the kubeconfig flags.
function hrCommand(program: Command, verb: string, description: string, args: string): Command {
  const parent = program.commands.find((c) => c.name() === verb) ?? program.command(verb).description(`${verb} hr: ${description}`);
  return parent.command(`hr ${args}`).aliases(['helmrelease', 'helmreleases']).description(description)
    .option('--kubeconfig <path>', 'the kubeconfig (env: KUBECONFIG; default ~/.kube/config)')
    .option('--context <name>', 'the kubeconfig context')
    .option('-n, --namespace <ns>', "the HelmRelease's namespace (default: the context's, else default)");
}

function kubeOf(o: KubeFlags, ctx: CtlContext): ReleaseKube {
  return releaseKube(loadUserKubeConfig(o, ctx.env), o.namespace);
}

const waitFlags = (cmd: Command) => cmd.option('--timeout <duration>', 'how long to wait for the outcome', '5m');

// Requests a reconcile (the annotation the operator watches) and, unless --no-wait, waits for its outcome.
async function reconcile(kube: ReleaseKube, hr: HelmRelease, o: KubeFlags, ctx: CtlContext, body: Record<string, unknown> = {}): Promise<void> {
  const requestedAt = new Date().toISOString();
  const { namespace, name } = hr.metadata;
  await kube.patch(namespace, name, { ...body, metadata: { annotations: { [REQUESTED_AT_ANNOTATION]: requestedAt } } });
  if (!o.wait) return void ctx.out(`HelmRelease ${namespace}/${name}: reconcile requested\n`);
  const outcome = await waitReconciled(kube, hr, requestedAt, { timeoutMs: durationMs('timeout', o.timeout), intervalMs: ctx.pollMs ?? 1000, progress: ctx.progress() });
  ctx.out(`${outcome.summary}\n`);
  if (outcome.failed) throw new CtlError(`HelmRelease ${namespace}/${name}: the release failed`, ExitCode.failed);
}

// The HelmRelease verbs, on the Kubernetes API with the user's kubeconfig: get, reconcile, suspend, resume,
// history, diff.
export function addReleaseVerbs(program: Command, ctx: CtlContext): void {
  hrCommand(program, 'get', 'list HelmReleases: kubectl get hr\'s columns, suspension, the last action and its duration', '[name]')
    .option('-A, --all-namespaces', 'every namespace').addOption(outputOption())
    .action(async (name: string | undefined, _o: unknown, cmd: Command) => {
      const o = optsOf<KubeFlags & { allNamespaces?: boolean }>(cmd);
      const kube = kubeOf(o, ctx);
      const hrs = name ? [await kube.get(kube.namespace, name)] : await kube.list(o.allNamespaces ? undefined : kube.namespace);
      const data = name ? hrs[0] : { apiVersion: 'v1', kind: 'List', items: hrs };
      ctx.out(render(formatOf(o.output), data, () => (hrs.length ? releasesTable(hrs, new Date(), o.allNamespaces === true) : 'No HelmReleases found.\n')));
    });

  waitFlags(hrCommand(program, 'reconcile', 'reconcile a HelmRelease now (skipping the resync wait) and wait for the outcome', '<name>'))
    .option('--no-wait', 'only request it')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      const o = optsOf<KubeFlags>(cmd);
      const kube = kubeOf(o, ctx);
      const hr = await kube.get(kube.namespace, name);
      if (hr.spec.suspend === true) throw new CtlError(`HelmRelease ${hr.metadata.namespace}/${name} is suspended: capstan ctl resume hr ${name} first`, ExitCode.failed);
      await reconcile(kube, hr, o, ctx);
    });

  hrCommand(program, 'suspend', 'suspend a HelmRelease: Capstan leaves its release alone until resumed', '<name>')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      const o = optsOf<KubeFlags>(cmd);
      const kube = kubeOf(o, ctx);
      await kube.patch(kube.namespace, name, { spec: { suspend: true } });
      ctx.out(`HelmRelease ${kube.namespace}/${name} suspended\n`);
    });

  waitFlags(hrCommand(program, 'resume', 'resume a suspended HelmRelease and wait for the reconcile that follows', '<name>'))
    .option('--no-wait', 'only resume it')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      const o = optsOf<KubeFlags>(cmd);
      const kube = kubeOf(o, ctx);
      const hr = await kube.get(kube.namespace, name);
      await reconcile(kube, hr, o, ctx, { spec: { suspend: null } });
    });

  hrCommand(program, 'history', 'the Helm history of a HelmRelease\'s release, with Capstan\'s reason for each revision', '<name>')
    .addOption(outputOption())
    .action(async (name: string, _o: unknown, cmd: Command) => {
      const o = optsOf<KubeFlags>(cmd);
      const kube = kubeOf(o, ctx);
      const hr = await kube.get(kube.namespace, name);
      const entries = historyOf(await kube.storage(targetNamespaceOf(hr), releaseNameOf(hr)));
      ctx.out(render(formatOf(o.output), entries, () => (entries.length ? historyTable(entries) : `Release ${releaseNameOf(hr)} has no history.\n`)));
    });

  hrCommand(program, 'diff', 'what an upgrade with the current inputs would change in the live objects (server-side dry run); exit 1 when anything would', '<name>')
    .option('--helm-binary <path>', 'the helm that renders the chart (env: CAPSTAN_HELM_BINARY; default the pinned build, then helm on PATH)')
    .option('--allow-cross-namespace-refs', 'as the worker\'s flag').option('--allow-private-networks', 'as the worker\'s flag').option('--allow-insecure-credentials', 'as the worker\'s flag')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      const o = optsOf<KubeFlags & { helmBinary?: string; allowCrossNamespaceRefs?: boolean; allowPrivateNetworks?: boolean; allowInsecureCredentials?: boolean; }>(cmd);
      const kube = kubeOf(o, ctx);
      const helm = locateHelm(o.helmBinary ?? ctx.env.CAPSTAN_HELM_BINARY, ctx.env);
      if (!helm) throw new CtlError('no helm found: give --helm-binary or CAPSTAN_HELM_BINARY', ExitCode.usage);
      const security = { allowCrossNamespaceRefs: o.allowCrossNamespaceRefs === true, allowPrivateNetworks: o.allowPrivateNetworks === true, allowInsecureCredentials: o.allowInsecureCredentials === true, allowFileUrls: false };
      const diff = await diffRelease(kube, await kube.get(kube.namespace, name), { helm, security });
      ctx.out(diff);
      if (diff) throw new CtlError('', ExitCode.failed); // like diff: the difference is the answer, nothing on stderr
    });
}
