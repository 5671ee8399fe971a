// client-go's EventCorrelator, as pure steps: the spam filter (a token bucket per object), the aggregator (many
// messages of one reason on one object become one "combined" Event) and the logger (a repeat of the same Event
// raises its count instead of creating another). The recorder (event-recorder.ts) keeps the state between calls.

// What an Event is about, as client-go keys it.
export interface EventKey { kind: string; namespace: string; name: string; uid?: string | undefined }

// client-go's defaults: burst 25 and one token per 5 minutes per object; 10 similar Events in 10 minutes aggregate.
export const CORRELATOR_DEFAULTS = { burst: 25, refillMs: 300_000, maxSimilar: 10, similarWindowMs: 600_000 } as const;
export type CorrelatorOptions = { readonly [K in keyof typeof CORRELATOR_DEFAULTS]: number };

// A token bucket: the tokens left and when they were counted.
export interface Bucket { tokens: number; at: number }

// Takes one token from the object's bucket (refilled at one per `refillMs`, up to `burst`); allow false when empty.
export function spamFilter(bucket: Bucket | undefined, now: number, opts: CorrelatorOptions = CORRELATOR_DEFAULTS): { allow: boolean; bucket: Bucket } {
  const start = bucket ?? { tokens: opts.burst, at: now };
  const periods = Math.max(0, Math.floor((now - start.at) / opts.refillMs));
  const refilled = Math.min(opts.burst, start.tokens + periods);
  // a full bucket starts counting afresh; otherwise the part of a period already waited is kept
  const at = refilled === opts.burst ? now : start.at + periods * opts.refillMs;
  if (refilled < 1) return { allow: false, bucket: { tokens: refilled, at } };
  return { allow: true, bucket: { tokens: refilled - 1, at } };
}

// The distinct messages seen for one object, type and reason within the window that began at `since`.
export interface Similar { messages: readonly string[]; since: number }

// The aggregator: the message to record and the updated record of similar Events. From the `maxSimilar`th distinct
// message within the window on, the Events are `combined`: one "(combined from similar events)" Event whose count
// rises and whose message is the latest.
export function aggregate(similar: Similar | undefined, message: string, now: number, opts: CorrelatorOptions = CORRELATOR_DEFAULTS): { message: string; combined: boolean; similar: Similar } {
  const fresh = !similar || now - similar.since > opts.similarWindowMs;
  const seen = fresh ? [] : similar.messages;
  const messages = seen.includes(message) || seen.length >= opts.maxSimilar ? seen : [...seen, message];
  const next = { messages, since: fresh ? now : similar.since };
  if (messages.length < opts.maxSimilar) return { message, combined: false, similar: next };
  return { message: `(combined from similar events): ${message}`, combined: true, similar: next };
}

// A recorded Event, as the logger remembers it: its name in the API and its count.
export interface Logged { name: string; count: number }

// What the recorder does with an Event.
export type Correlation = { kind: 'drop' } | { kind: 'create' } | { kind: 'update'; name: string; count: number };

// The logger: an Event already recorded (same object, type, reason and message) is counted on the existing one.
export function logEvent(logged: Logged | undefined): Correlation {
  return logged ? { kind: 'update', name: logged.name, count: logged.count + 1 } : { kind: 'create' };
}

// The cache key of an object, and of an Event on it.
export function objectKey(k: EventKey): string {
  return `${k.kind}/${k.namespace}/${k.name}/${k.uid ?? ''}`;
}
