import { gunzipSync, gzipSync } from 'node:zlib';
import { Phase } from '../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../errors/stalling-error.ts';

// The most bytes a Helm release record (the JSON in a storage Secret) may decompress to. A Secret holds at most
// 1 MiB, so gzip could expand it a thousandfold; real releases (manifest, chart, values) are a few MiB at most.
export const MAX_RELEASE_BYTES = 64 * 1024 * 1024;

// A release as Helm stores it; Capstan reads and rewrites `info` only and keeps the rest as it is.
export interface StoredRelease { info?: Record<string, unknown>; [key: string]: unknown }

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b, 0x08]);

// The release in a storage Secret's `data.release` (base64 of helm's own base64 of gzipped JSON; Helm also reads
// it unzipped when the magic bytes are missing). `where` names the Secret in errors. A release that inflates past
// maxBytes stalls with a message naming the Secret and the limit, instead of exhausting the worker's memory.
export function decodeStoredRelease(data: string, where: string, maxBytes = MAX_RELEASE_BYTES): StoredRelease {
  const packed = Buffer.from(Buffer.from(data, 'base64').toString('latin1'), 'base64');
  let json: Buffer = packed;
  if (packed.subarray(0, 3).equals(GZIP_MAGIC)) {
    try {
      json = gunzipSync(packed, { maxOutputLength: maxBytes });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ERR_BUFFER_TOO_LARGE') {
        throw new StallingError(Phase.Failed, `Helm storage Secret ${where}: the release is larger than ${maxBytes / 2 ** 20} MiB once decompressed, the limit Capstan reads`, { cause: error });
      }
      throw new StallingError(Phase.Failed, `Helm storage Secret ${where}: the release is not valid gzip (${code ?? 'corrupt'})`, { cause: error });
    }
  }
  if (json.length > maxBytes) {
    throw new StallingError(Phase.Failed, `Helm storage Secret ${where}: the release is larger than ${maxBytes / 2 ** 20} MiB, the limit Capstan reads`);
  }
  let release: unknown;
  try {
    release = JSON.parse(json.toString('utf8'));
  } catch {
    throw new StallingError(Phase.Failed, `Helm storage Secret ${where}: the release is not JSON`);
  }
  if (typeof release !== 'object' || release === null || Array.isArray(release)) {
    throw new StallingError(Phase.Failed, `Helm storage Secret ${where}: the release is not a JSON object`);
  }
  return release as StoredRelease;
}

// The `data.release` value for a release, as Helm writes it: base64 of base64(gzip(JSON)).
export function encodeStoredRelease(release: StoredRelease): string {
  return Buffer.from(gzipSync(JSON.stringify(release)).toString('base64')).toString('base64');
}
