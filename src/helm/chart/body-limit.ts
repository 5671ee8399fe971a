// Size limits on what a chart repository sends, enforced while the body streams in: a huge or endless answer is
// cut off at the limit, never buffered whole.

// Something whose size is limited: the error to throw when it is exceeded.
export type TooLarge = (limit: number) => Error;

// `20 MiB` for 20 * 1024 * 1024: how the limits read in messages.
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

// Refuses at once an answer whose Content-Length already says it is too large: its body is cancelled unread.
export async function checkDeclaredLength(res: Response, limit: number, tooLarge: TooLarge): Promise<void> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await res.body?.cancel().catch(() => {});
    throw tooLarge(limit);
  }
}

// Passes chunks through until more than `limit` bytes have gone by, then throws: in a stream pipeline this
// destroys the source, so the connection is closed instead of drained.
export function limitBytes(limit: number, tooLarge: TooLarge): (source: AsyncIterable<Uint8Array>) => AsyncGenerator<Uint8Array> {
  return async function* (source) {
    let total = 0;
    for await (const chunk of source) {
      total += chunk.byteLength;
      if (total > limit) throw tooLarge(limit);
      yield chunk;
    }
  };
}

// The whole body of `res` when it holds at most `limit` bytes; else the body is cancelled and tooLarge thrown.
// Chunks are copied into one growing buffer as they come: an answer dribbled in tiny writes would otherwise be
// held as hundreds of thousands of small arrays, about 20 times its size.
export async function readLimited(res: Response, limit: number, tooLarge: TooLarge): Promise<Buffer> {
  await checkDeclaredLength(res, limit, tooLarge);
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  let buffer = Buffer.allocUnsafe(Number.isFinite(declared) && declared > 0 ? declared : 64 * 1024);
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (total + value.byteLength > limit) throw tooLarge(limit);
      if (total + value.byteLength > buffer.length) {
        const grown = Buffer.allocUnsafe(Math.min(limit, Math.max(buffer.length * 2, total + value.byteLength)));
        buffer.copy(grown, 0, 0, total);
        buffer = grown;
      }
      buffer.set(value, total);
      total += value.byteLength;
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  }
  return buffer.subarray(0, total);
}
