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
export async function readLimited(res: Response, limit: number, tooLarge: TooLarge): Promise<Buffer> {
  await checkDeclaredLength(res, limit, tooLarge);
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) throw tooLarge(limit);
      chunks.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  }
  return Buffer.concat(chunks, total);
}
