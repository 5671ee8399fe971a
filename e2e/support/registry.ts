import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { freePort } from './net.ts';

const REGISTRY_BINARY = '/usr/bin/docker-registry'; // Debian's docker-registry (distribution 2.8); the test command installs it

export interface RegistryAuth { username: string; password: string }

// A throwaway distribution 2.8 registry on 127.0.0.1, filesystem storage in its own temp dir, deletes enabled.
export interface Registry {
  host: string; // "127.0.0.1:PORT", as in an image reference
  url: string; // "http://127.0.0.1:PORT"
  auth?: RegistryAuth; // set when the registry requires htpasswd basic auth
  storage: string; // its filesystem storage root (docker/registry/v2/… below), for seeding a benchmark on disk
  stop(): Promise<void>; // kills the registry and removes its storage
}

// Where pushImage and listTagsRaw talk to: a Registry, or a proxy in front of one with the upstream's auth.
export type RegistryEndpoint = Pick<Registry, 'url' | 'auth'>;

// Starts a registry (with htpasswd basic auth when `auth` is given) and resolves once GET /v2/ answers.
// `notify`: the registry sends its push notifications (distribution's envelope) to this URL with the token as
// a bearer Authorization header. `tmp`: where its temp dir (config, storage) is made; default os.tmpdir().
export async function startRegistry(opts: { auth?: RegistryAuth; notify?: { url: string; token: string }; tmp?: string } = {}): Promise<Registry> {
  if (!existsSync(REGISTRY_BINARY)) throw new Error(`${REGISTRY_BINARY} is missing: run through e2e/with-services.sh, or apt-get install docker-registry`);
  const dir = mkdtempSync(join(opts.tmp ?? tmpdir(), 'capstan-registry-'));
  try {
    const host = `127.0.0.1:${await freePort()}`;
    const config = join(dir, 'config.yml');
    writeFileSync(config, registryConfig(dir, host, opts.auth && (await htpasswdFile(dir, opts.auth)), opts.notify));
    const log = join(dir, 'registry.log');
    const server = spawnLogged(config, log);
    const url = `http://${host}`;
    try {
      await waitServing(url, opts.auth ? 401 : 200, server, log);
    } catch (err) {
      await server.stop();
      throw err;
    }
    return {
      host, url, ...(opts.auth && { auth: opts.auth }), storage: join(dir, 'data'),
      async stop() {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

function registryConfig(dir: string, host: string, htpasswd: string | undefined, notify?: { url: string; token: string }): string {
  const lines = [
    'version: 0.1',
    'log: { level: warn, formatter: text, accesslog: { disabled: true } }',
    `storage: { filesystem: { rootdirectory: ${JSON.stringify(join(dir, 'data'))} }, delete: { enabled: true } }`,
    `http: { addr: ${JSON.stringify(host)}, secret: capstan-e2e-secret }`,
  ];
  if (htpasswd) lines.push(`auth: { htpasswd: { realm: capstan-e2e, path: ${JSON.stringify(htpasswd)} } }`);
  if (notify) {
    lines.push(`notifications: { endpoints: [{ name: capstan, url: ${JSON.stringify(notify.url)}, timeout: 2s, threshold: 3, backoff: 1s,`,
      `  headers: { Authorization: [${JSON.stringify(`Bearer ${notify.token}`)}] } }] }`);
  }
  return `${lines.join('\n')}\n`;
}

async function htpasswdFile(dir: string, auth: RegistryAuth): Promise<string> {
  const file = join(dir, 'htpasswd');
  // the password goes in on stdin: on the command line every process of the machine could read it
  const r = await execa('htpasswd', ['-Bin', auth.username], { input: auth.password }).catch((cause: unknown) => {
    throw new Error('htpasswd failed (it comes from apache2-utils, which e2e/with-services.sh installs)', { cause });
  });
  writeFileSync(file, `${r.stdout}\n`);
  return file;
}

interface Running { exited(): string | undefined; stop(): Promise<void> }

// The registry logs to stderr only; both streams go to a file in its dir so a failure can show the tail.
function spawnLogged(config: string, log: string): Running {
  const fd = openSync(log, 'a');
  let child: ChildProcess;
  try {
    child = spawn(REGISTRY_BINARY, ['serve', config], { stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  let exited: string | undefined;
  // a test or script that dies without stop() must not leave the registry running
  const orphaned = () => child.kill('SIGKILL');
  process.once('exit', orphaned);
  const done = new Promise<void>((resolve) => {
    child.once('error', (err) => { exited ??= err.message; resolve(); });
    child.once('exit', (code, signal) => {
      exited ??= signal ? `killed by ${signal}` : `exit code ${code}`;
      process.off('exit', orphaned);
      resolve();
    });
  });
  return {
    exited: () => exited,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await done;
      clearTimeout(timer);
    },
  };
}

async function waitServing(url: string, expected: number, server: Running, log: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  let last = 'no answer';
  for (;;) {
    const exited = server.exited();
    if (exited) throw new Error(`docker-registry stopped before serving ${url} (${exited}); its log ends:\n${logTail(log)}`);
    try {
      const res = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      if (res.status === expected) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = String(err);
    }
    if (Date.now() > deadline) throw new Error(`docker-registry did not serve ${url}/v2/ (${last}); its log ends:\n${logTail(log)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const logTail = (log: string): string => readFileSync(log, 'utf8').split('\n').slice(-20).join('\n');

export interface Platform { os: string; architecture: string; variant?: string; created?: Date }

export interface PushOptions {
  created?: Date | null; // the config's `created` (default: now); null leaves the field out
  labels?: Record<string, string>; // the config's Labels
  platforms?: Platform[]; // when given, the tag is a manifest list (OCI index) with one image per platform
  oci?: boolean; // OCI media types instead of Docker v2 schema 2
}

const MEDIA = {
  docker: {
    list: 'application/vnd.docker.distribution.manifest.list.v2+json',
    manifest: 'application/vnd.docker.distribution.manifest.v2+json',
    config: 'application/vnd.docker.container.image.v1+json',
    layer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  },
  oci: {
    list: 'application/vnd.oci.image.index.v1+json',
    manifest: 'application/vnd.oci.image.manifest.v1+json',
    config: 'application/vnd.oci.image.config.v1+json',
    layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  },
} as const;

// Media types by format, for Accept headers in assertions.
export const IMAGE_MEDIA_TYPES = MEDIA;

const sha256 = (data: Buffer): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const EMPTY_TAR = Buffer.alloc(1024); // two zero blocks: a tar with no entries
const LAYER = gzipSync(EMPTY_TAR);

interface Descriptor { mediaType: string; size: number; digest: string }

// Pushes a tiny image (one empty layer) as repository:tag over the registry HTTP API and returns the tag's digest.
// The config names the tag and its created time, so different tags (or times) give different digests.
export async function pushImage(reg: RegistryEndpoint, repository: string, tag: string, opts: PushOptions = {}): Promise<{ digest: string }> {
  const media = opts.oci ? MEDIA.oci : MEDIA.docker;
  const created = opts.created === undefined ? new Date() : opts.created;
  const layer = await ensureBlob(reg, repository, LAYER, media.layer); // shared by every image: uploaded once
  const pushOne = async (platform: Platform, reference: string): Promise<Descriptor> => {
    const config = imageConfig(`${repository}:${tag}`, platform, platform.created ?? created, opts.labels);
    const configDescriptor = await uploadBlob(reg, repository, config, media.config);
    const manifest = { schemaVersion: 2, mediaType: media.manifest, config: configDescriptor, layers: [layer] };
    return putManifest(reg, repository, reference, manifest, media.manifest);
  };
  if (!opts.platforms) return { digest: (await pushOne({ os: 'linux', architecture: 'amd64' }, tag)).digest };
  const manifests = [];
  for (const p of opts.platforms) {
    const descriptor = await pushOne(p, '');
    manifests.push({ ...descriptor, platform: { architecture: p.architecture, os: p.os, ...(p.variant && { variant: p.variant }) } });
  }
  const list = { schemaVersion: 2, mediaType: media.list, manifests };
  return { digest: (await putManifest(reg, repository, tag, list, media.list)).digest };
}

function imageConfig(ref: string, platform: Platform, created: Date | null, labels: Record<string, string> = {}): Buffer {
  return Buffer.from(JSON.stringify({
    architecture: platform.architecture, os: platform.os, ...(platform.variant && { variant: platform.variant }),
    ...(created && { created: created.toISOString() }),
    config: { Labels: labels },
    rootfs: { type: 'layers', diff_ids: [sha256(EMPTY_TAR)] },
    history: [{ created_by: `capstan e2e image ${ref}` }],
  }));
}

// Uploads a blob unless the repository has it already.
async function ensureBlob(reg: RegistryEndpoint, repository: string, blob: Buffer, mediaType: string): Promise<Descriptor> {
  const digest = sha256(blob);
  const head = await fetch(`${reg.url}/v2/${repository}/blobs/${digest}`, { method: 'HEAD', headers: authHeaders(reg) });
  return head.status === 200 ? { mediaType, size: blob.length, digest } : uploadBlob(reg, repository, blob, mediaType);
}

// Uploads a blob: POST an upload, then PUT its Location (relative or absolute) with the digest.
async function uploadBlob(reg: RegistryEndpoint, repository: string, blob: Buffer, mediaType: string): Promise<Descriptor> {
  const digest = sha256(blob);
  const descriptor = { mediaType, size: blob.length, digest };
  const started = await call(reg, 'POST', `${reg.url}/v2/${repository}/blobs/uploads/`, 202);
  const location = started.headers.get('location');
  if (!location) throw new Error(`POST /v2/${repository}/blobs/uploads/ answered without a Location`);
  const target = new URL(location, reg.url).href;
  await call(reg, 'PUT', `${target}${target.includes('?') ? '&' : '?'}digest=${encodeURIComponent(digest)}`, 201, {
    body: blob, contentType: 'application/octet-stream',
  });
  return descriptor;
}

// PUTs a manifest by tag, or by its own digest when `reference` is empty.
async function putManifest(reg: RegistryEndpoint, repository: string, reference: string, manifest: object, mediaType: string): Promise<Descriptor> {
  const body = Buffer.from(JSON.stringify(manifest));
  const digest = sha256(body);
  await call(reg, 'PUT', `${reg.url}/v2/${repository}/manifests/${reference || digest}`, 201, { body, contentType: mediaType });
  return { mediaType, size: body.length, digest };
}

function authHeaders(reg: RegistryEndpoint): Record<string, string> {
  if (!reg.auth) return {};
  return { Authorization: `Basic ${Buffer.from(`${reg.auth.username}:${reg.auth.password}`).toString('base64')}` };
}

async function call(reg: RegistryEndpoint, method: string, url: string, expected: number, send?: { body: Buffer; contentType: string }): Promise<Response> {
  const headers = { ...authHeaders(reg), ...(send && { 'Content-Type': send.contentType }) };
  const res = await fetch(url, { method, headers, ...(send && { body: new Uint8Array(send.body) }) });
  if (res.status !== expected) throw new Error(`${method} ${url} answered ${res.status}: ${await res.text()}`);
  await res.body?.cancel();
  return res;
}

// The repository's tags as the registry lists them in one plain GET (no pagination), for assertions.
export async function listTagsRaw(reg: RegistryEndpoint, repository: string): Promise<string[]> {
  const res = await fetch(`${reg.url}/v2/${repository}/tags/list`, { headers: authHeaders(reg) });
  if (!res.ok) throw new Error(`GET /v2/${repository}/tags/list answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { tags: string[] | null }).tags ?? [];
}
