import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { type CtlContext, formatOf, optsOf, outputOption } from '../ctl-context.ts';
import { render } from '../output.ts';
import { fluxOf, withFluxOptions } from './flux-options.ts';
import { type ImageStatus, imagesTable, type Workload, workloadsTable } from './format.ts';
import { workloadId } from './workload-id.ts';

const CONTAINER_FIELDS = 'Name,Current,LatestFiltered,Available,AvailableError,AvailableImagesCount,NewAvailableImagesCount,FilteredImagesCount,NewFilteredImagesCount';

// The SHA256 fingerprint of an OpenSSH public key line, as `ssh-keygen -l` prints it.
export function fingerprintOf(publicKey: string): string {
  const body = publicKey.trim().split(/\s+/)[1] ?? '';
  return `SHA256:${createHash('sha256').update(Buffer.from(body, 'base64')).digest('base64').replace(/=+$/, '')}`;
}

// fluxctl's reading verbs: list-workloads, list-images, identity, save.
export function addFluxReadVerbs(program: Command, ctx: CtlContext): void {
  withFluxOptions(program.command('list-workloads').description('list the workloads of the synced sources, with their images and policies'))
    .option('-n, --namespace <ns>', 'the namespace to list', 'default')
    .option('-a, --all-namespaces', 'list every namespace')
    .option('-c, --container <name>', 'only workloads with this container')
    .option('--no-headers', 'leave out the header line')
    .addOption(outputOption('-o, --output-format <format>'))
    .action(async (_o: unknown, cmd: Command) => {
      const o = optsOf<{ namespace: string; allNamespaces?: boolean; container?: string; headers: boolean; outputFormat: string; url?: string; token?: string; timeout: string }>(cmd);
      const { flux } = fluxOf(o, ctx);
      let workloads = ((await flux.get('/v6/services', { namespace: o.allNamespaces ? '' : o.namespace })) ?? []) as Workload[];
      if (o.container) workloads = workloads.filter((w) => w.Containers?.some((c) => c.Name === o.container));
      ctx.out(render(formatOf(o.outputFormat), workloads, () => workloadsTable(workloads, !o.headers)));
    });

  withFluxOptions(program.command('list-images').description('list the images of workloads: the tags available, newest first, the running one marked ->'))
    .option('-n, --namespace <ns>', 'the namespace to list', 'default')
    .option('-a, --all-namespaces', 'list every namespace')
    .option('-w, --workload <id>', 'only this workload (namespace:kind/name, or kind/name with -n)')
    .option('-l, --limit <n>', 'how many tags to show per container (0: all)', '10')
    .option('--no-headers', 'leave out the header line')
    .addOption(outputOption('-o, --output-format <format>'))
    .action(async (_o: unknown, cmd: Command) => {
      const o = optsOf<{ namespace: string; allNamespaces?: boolean; workload?: string; limit: string; headers: boolean; outputFormat: string; url?: string; token?: string; timeout: string }>(cmd);
      const { flux } = fluxOf(o, ctx);
      const query = o.workload
        ? { service: workloadId(o.workload, o.namespace), containerFields: CONTAINER_FIELDS, namespace: '' }
        : { service: '<all>', containerFields: CONTAINER_FIELDS, namespace: o.allNamespaces ? '' : o.namespace };
      const images = ((await flux.get('/v10/images', query)) ?? []) as ImageStatus[];
      ctx.out(render(formatOf(o.outputFormat), images, () => imagesTable(images, Number(o.limit) || 0, !o.headers)));
    });

  withFluxOptions(program.command('identity').description('print the public SSH key Capstan uses for Git (add it as a deploy key)'))
    .option('-r, --regenerate', 'generate a new key (the old one stops working)')
    .option('-l, --fingerprint', 'print the key\'s SHA256 fingerprint instead')
    .action(async (_o: unknown, cmd: Command) => {
      const o = optsOf<{ regenerate?: boolean; fingerprint?: boolean; url?: string; token?: string; timeout: string }>(cmd);
      const { flux } = fluxOf(o, ctx);
      const config = (await flux.post('/v9/git-repo-config', o.regenerate === true)) as { publicSSHKey?: { key?: string } } | undefined;
      const key = config?.publicSSHKey?.key?.trim() ?? '';
      ctx.out(`${o.fingerprint ? fingerprintOf(key) : key}\n`);
    });

  withFluxOptions(program.command('save').description('export the workloads of the synced sources as YAML'))
    .option('-o, --out <path>', 'a file to write, or - for stdout', '-')
    .action(async (_o: unknown, cmd: Command) => {
      const o = optsOf<{ out: string; url?: string; token?: string; timeout: string }>(cmd);
      const { flux } = fluxOf(o, ctx);
      const exported = await flux.get('/v6/export');
      // fluxd answers the YAML stream as JSON bytes: a base64 string
      const text = typeof exported === 'string' ? Buffer.from(exported, 'base64').toString('utf8') : '';
      if (o.out === '-') ctx.out(text);
      else await writeFile(o.out, text);
    });
}
