// The API server's own words for a failed request, for errors a person reads.
import { asRecord } from '../records.ts';
import { statusCode } from './real-client.ts';

// The `message` of the Status the API server answered, else the status code and the body it answered (`404 page
// not found` from a URL nothing serves), else the error's message.
export function apiMessage(err: unknown): string {
  const body = (err as { body?: unknown }).body;
  if (typeof body !== 'string') return err instanceof Error ? err.message : String(err);
  const message = asRecord(parseJson(body))?.message;
  if (typeof message === 'string' && message) return message;
  return `HTTP ${statusCode(err) ?? '?'}: ${body.trim().slice(0, 200)}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // not a Status: the caller falls back to the status code and body
  }
}
