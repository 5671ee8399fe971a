import type { IncomingMessage } from 'node:http';

// The largest request body a webhook or notify call may send.
export const MAX_BODY = 1 << 20;

// A request body up to `limit` bytes (default MAX_BODY), or undefined when it is larger.
export async function readBody(req: IncomingMessage, limit = MAX_BODY): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
