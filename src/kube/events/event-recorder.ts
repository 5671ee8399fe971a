import { aggregate, type Bucket, CORRELATOR_DEFAULTS, type CorrelatorOptions, type EventKey, logEvent, type Logged, objectKey, type Similar, spamFilter } from './event-correlator.ts';

// An Event as Capstan records it: on which object, Normal or Warning, a CamelCase reason and a short message.
export interface EventRecord { object: EventKey & { apiVersion: string }; type: 'Normal' | 'Warning'; reason: string; message: string }

// The API calls of the recorder: create an Event (resolving to its name), raise the count of one already made.
export interface EventWriter {
  create(event: EventRecord, at: Date): Promise<string>;
  update(namespace: string, name: string, change: { count: number; message: string }, at: Date): Promise<void>;
}

// What the recorder did with an Event, for the capstan_events_total metric.
export type RecordResult = 'created' | 'updated' | 'dropped' | 'error';

// The recorder's settings; `maxKeys` bounds each cache (client-go: 4096), the oldest entries go first.
export interface RecorderOptions extends Partial<CorrelatorOptions> {
  writer: EventWriter;
  now?: () => Date;
  maxKeys?: number;
  onResult?: (result: RecordResult, err?: Error) => void;
}

// Records Events rate-limited like client-go's recorder: spam filter per object, aggregation of similar messages,
// repeats counted on the Event already made. A failure to write is reported to onResult, never thrown.
export function eventRecorder(opts: RecorderOptions): (event: EventRecord) => Promise<RecordResult> {
  const o: CorrelatorOptions = { ...CORRELATOR_DEFAULTS, ...opts };
  const now = opts.now ?? (() => new Date());
  const max = opts.maxKeys ?? 4096;
  const buckets = new Map<string, Bucket>();
  const similar = new Map<string, Similar>();
  const logged = new Map<string, Logged>();
  const remember = <T>(map: Map<string, T>, key: string, value: T) => {
    map.delete(key);
    map.set(key, value);
    if (map.size > max) map.delete(map.keys().next().value as string);
  };
  return async (event) => {
    const at = now();
    const obj = objectKey(event.object);
    const spam = spamFilter(buckets.get(obj), at.getTime(), o);
    remember(buckets, obj, spam.bucket);
    if (!spam.allow) return report('dropped');
    const similarKey = `${obj}/${event.type}/${event.reason}`;
    const agg = aggregate(similar.get(similarKey), event.message, at.getTime(), o);
    remember(similar, similarKey, agg.similar);
    const message = agg.message.slice(0, 1024);
    const key = agg.combined ? similarKey : `${similarKey}/${message}`;
    const decision = logEvent(logged.get(key));
    try {
      if (decision.kind === 'update') {
        await opts.writer.update(event.object.namespace, decision.name, { count: decision.count, message }, at);
        remember(logged, key, { name: decision.name, count: decision.count });
        return report('updated');
      }
      const name = await opts.writer.create({ ...event, message }, at);
      remember(logged, key, { name, count: 1 });
      return report('created');
    } catch (err) {
      logged.delete(key); // the Event may be gone (expired after an hour): create it anew next time
      return report('error', err as Error);
    }
  };

  function report(result: RecordResult, err?: Error): RecordResult {
    opts.onResult?.(result, err);
    return result;
  }
}
