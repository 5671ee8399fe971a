import { InvalidImageRef, parseImageRef } from '../../image/image-ref.ts';
import { InvalidTagPattern, parseTagPattern } from '../../image/policy/tag-pattern.ts';
import { userError } from './api-error.ts';

// Who asked for a change, and why (fluxctl's --user and --message); the message becomes the commit message.
export interface Cause { message: string; user: string }

// A release as fluxctl asks for it: the workloads (ids, or 'all'), the image (`repo:tag`, or 'latest' for each
// container's newest allowed tag), whether to commit (execute) or only report (plan), workloads to leave out,
// and `force` to release to locked workloads named explicitly.
export interface ReleaseRequest { workloads: string[] | 'all'; image: string | 'latest'; kind: 'execute' | 'plan'; excludes: string[]; force: boolean }

// Policy annotations to set (`add`, policy → value) and remove on one workload.
export interface PolicyRequest { workload: string; add: Record<string, string>; remove: string[] }

// A `POST /v9/update-manifests` body, checked.
export type UpdateRequest =
  | { type: 'sync'; cause: Cause }
  | { type: 'image'; cause: Cause; release: ReleaseRequest }
  | { type: 'policy'; cause: Cause; policies: PolicyRequest[] };

// fluxd's resource id `namespace:kind/name` (`<cluster>` for cluster-scoped objects).
const ID = /^(<cluster>|[A-Za-z0-9_-]+):([A-Za-z0-9_-]+)\/([A-Za-z0-9_.:-]+)$/;
// The policies fluxd knew; `tag.<container>` takes a filter.
const POLICIES = new Set(['automated', 'locked', 'locked_msg', 'locked_user', 'ignore', 'tag_all']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// A workload id with its kind lower-cased, as Capstan writes ids; a user error naming `field` otherwise.
export function parseWorkloadId(value: unknown, field: string): string {
  const m = typeof value === 'string' ? ID.exec(value) : null;
  if (!m) throw userError(field, `${JSON.stringify(value)} is not a workload id (namespace:kind/name)`);
  return `${m[1]}:${m[2]?.toLowerCase()}/${m[3]}`;
}

function parseCause(v: unknown): Cause {
  if (v === undefined || v === null) return { message: '', user: '' };
  if (!isObject(v)) throw userError('cause', 'must be an object with Message and User');
  const text = (key: 'Message' | 'User'): string => {
    const s = v[key] ?? '';
    if (typeof s !== 'string') throw userError(`cause.${key}`, 'must be a string');
    return s;
  };
  return { message: text('Message'), user: text('User') };
}

function parseRelease(spec: unknown): ReleaseRequest {
  if (!isObject(spec)) throw userError('spec', 'must be an object (ServiceSpecs, ImageSpec, Kind, Excludes, Force)');
  const specs = spec.ServiceSpecs;
  if (!Array.isArray(specs) || specs.length === 0) throw userError('spec.ServiceSpecs', 'must list at least one workload id or "<all>"');
  const workloads = specs.includes('<all>') ? 'all' as const : specs.map((s, i) => parseWorkloadId(s, `spec.ServiceSpecs[${i}]`));
  const imageSpec = spec.ImageSpec;
  if (typeof imageSpec !== 'string' || imageSpec === '') throw userError('spec.ImageSpec', 'must be an image with a tag, or "<all latest>"');
  let image = 'latest';
  if (imageSpec !== '<all latest>') {
    try {
      if (!parseImageRef(imageSpec).tag) throw new InvalidImageRef(`"${imageSpec}" has no tag (to release latest, say :latest)`);
    } catch (err) {
      if (err instanceof InvalidImageRef) throw userError('spec.ImageSpec', err.message);
      throw err;
    }
    image = imageSpec;
  }
  const kind = spec.Kind;
  if (kind !== 'execute' && kind !== 'plan') throw userError('spec.Kind', `must be "execute" or "plan", not ${JSON.stringify(kind)}`);
  const excludes = spec.Excludes ?? [];
  if (!Array.isArray(excludes)) throw userError('spec.Excludes', 'must be a list of workload ids');
  const force = spec.Force ?? false;
  if (typeof force !== 'boolean') throw userError('spec.Force', 'must be true or false');
  return { workloads, image, kind, excludes: excludes.map((e, i) => parseWorkloadId(e, `spec.Excludes[${i}]`)), force };
}

function checkPolicy(name: string, value: unknown, field: string): void {
  if (!POLICIES.has(name) && !(name.startsWith('tag.') && name.length > 4)) {
    throw userError(field, 'is not a policy (automated, locked, locked_msg, locked_user, ignore, tag_all, tag.<container>)');
  }
  if (typeof value !== 'string') throw userError(field, 'must be a string');
  if ((name === 'tag_all' || name.startsWith('tag.')) && value !== '*') {
    try {
      parseTagPattern(value);
    } catch (err) {
      if (err instanceof InvalidTagPattern) throw userError(field, err.message);
      throw err;
    }
  }
}

function parsePolicies(spec: unknown): PolicyRequest[] {
  if (!isObject(spec) || Object.keys(spec).length === 0) throw userError('spec', 'must map at least one workload id to {add, remove}');
  return Object.entries(spec).map(([key, change]) => {
    const field = `spec[${JSON.stringify(key)}]`;
    const workload = parseWorkloadId(key, field);
    if (!isObject(change)) throw userError(field, 'must be an object with add and remove');
    const part = (name: 'add' | 'remove'): Record<string, unknown> => {
      const v = change[name] ?? {};
      if (!isObject(v)) throw userError(`${field}.${name}`, 'must map policy names to values');
      for (const [policy, value] of Object.entries(v)) checkPolicy(policy, value, `${field}.${name}.${policy}`);
      return v;
    };
    return { workload, add: part('add') as Record<string, string>, remove: Object.keys(part('remove')) };
  });
}

// Checks a `POST /v9/update-manifests` body as fluxctl 1.25 sends it; anything else is a user error naming the
// field. The interactive release (`containers`) and fluxd's `auto` are refused as unsupported.
export function parseUpdateRequest(body: unknown): UpdateRequest {
  if (!isObject(body)) throw userError('body', 'must be a JSON object with type, cause and spec');
  const cause = parseCause(body.cause);
  switch (body.type) {
    case 'sync':
      return { type: 'sync', cause };
    case 'image':
      return { type: 'image', cause, release: parseRelease(body.spec) };
    case 'policy':
      return { type: 'policy', cause, policies: parsePolicies(body.spec) };
    case 'containers':
      throw userError('type', '"containers" (release --interactive) is not supported; name the image with --update-image');
    default:
      throw userError('type', `unknown update type ${JSON.stringify(body.type)} (sync, image or policy)`);
  }
}
