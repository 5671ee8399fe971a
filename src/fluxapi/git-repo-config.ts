// `POST /v9/git-repo-config` (fluxctl identity, sync) and `GET /v6/identity.pub`: the repository Capstan syncs,
// how far it got, and the public half of its deploy key. Never the private key; the URL without credentials.
import type { Route } from '../http/http-server.ts';
import { redact } from '../redact.ts';
import type { DeployKey } from './deploy-key.ts';
import { type GitConfig, GitRepoStatus } from './flux-types.ts';
import { fluxRoute } from './flux-route.ts';
import type { FluxSource } from './flux-source.ts';
import { FluxApiError, FluxErrorType, userError } from './jobs/api-error.ts';
import type { PublicSSHKey } from './ssh-key.ts';

// What the answer needs: the sources (the first is the one fluxctl is told of), the deploy key, and the
// `publicKey` port (ssh-keygen).
export interface RepoConfigDeps {
  sources: readonly FluxSource[];
  deployKey: DeployKey | undefined;
  publicKey: (keyFile: string) => Promise<PublicSSHKey>;
}

// fluxd's repository status for a source: unconfigured without a URL, unreachable while its cycles fail, new
// before its first sync, then ready (cloned when read-only: Capstan never writes to it).
export function repoStatus(source: FluxSource | undefined): GitRepoStatus {
  if (!source?.config.gitUrl) return GitRepoStatus.unconfigured;
  if (source.failing()) return GitRepoStatus.unreachable;
  if (!source.last()) return GitRepoStatus.new;
  return source.config.readonly ? GitRepoStatus.cloned : GitRepoStatus.ready;
}

// The repository URL as fluxd's SafeURL showed it: no password or token; an ssh:// URL keeps its user (`git@`),
// which names the account, never a secret (ssh authenticates with the key).
export function remoteUrl(url: string, secrets: Parameters<typeof redact>[1]): string {
  const safe = redact(url, secrets);
  const user = /^ssh:\/\/([^:/@\s]+)(?::[^/@\s]*)?@/i.exec(url)?.[1];
  return user ? safe.replace(/^ssh:\/\//i, `ssh://${user}@`) : safe;
}

// The GitConfig of the first source; with `regenerate` the deploy key is replaced first.
export async function gitRepoConfig(deps: RepoConfigDeps, regenerate: boolean): Promise<GitConfig> {
  if (regenerate) {
    if (!deps.deployKey) throw userError('regenerate', 'no source clones over ssh, so there is no deploy key to regenerate');
    await deps.deployKey.regenerate();
  }
  const source = deps.sources[0];
  const secrets = source?.config.auth ? [source.config.auth] : [];
  const key = deps.deployKey ? await deps.publicKey(deps.deployKey.keyFile) : undefined;
  const failing = source?.failing();
  return {
    remote: { url: remoteUrl(source?.config.gitUrl ?? '', secrets), branch: source?.config.gitBranch ?? '', path: source?.config.gitPaths.join(',') ?? '' },
    publicSSHKey: key ? { key: key.key, fingerprints: key.fingerprints } : { key: '', fingerprints: null },
    status: repoStatus(source),
    errors: failing ? redact(failing.error, secrets) : '',
  };
}

// The routes: v9 git-repo-config (body `true` regenerates the key) and fluxd's older v6 identity.pub.
export function gitRepoConfigRoutes(deps: RepoConfigDeps, onError?: (err: unknown) => void): Route[] {
  return [
    fluxRoute('POST', ['/v9/git-repo-config'], async (req) => {
      const body = await req.json();
      if (body !== undefined && typeof body !== 'boolean') throw userError('body', 'expected true (regenerate the key) or false');
      return gitRepoConfig(deps, body === true);
    }, onError),
    fluxRoute('GET', ['/v6/identity.pub'], async () => {
      if (!deps.deployKey) throw new FluxApiError(FluxErrorType.missing, 'no SSH deploy key: no source clones over ssh and no key is configured');
      return (await deps.publicKey(deps.deployKey.keyFile)).key;
    }, onError),
  ];
}
