import type { DynamoDBBatchResponse } from 'aws-lambda';
import type { FilterPattern, StreamJob } from '../../lib/jobs/job';
import { recordCall } from '../../lib/storage/call-log';
import { streamsApi, type RawStreamRecord, type RecordsPage, type Shard, type ShardPosition, type StreamsApi } from './stream-api';

/*
 * What Lambda's event source mapping does for a stream job in AWS, done here against DynamoDB Local's stream, so
 * `npm start` runs the same publisher on the same records: every shard read in order from its oldest record, parents
 * before children; the job's filter applied; batches of at most its `batchSize`; a reported item failure (or a throw)
 * retried from that record, with backoff, until the job's retry attempts or record age run out; then, as the failure
 * queue would be told, the span given up is reported. The checkpoint is kept in memory: a restart reads the stream
 * from its oldest record again, which the publisher is idempotent for. Not done here: splitting a failing batch.
 */

/** A stream record as Lambda hands it to a function. */
export interface LambdaStreamRecord {
  eventID?: string;
  eventName?: string;
  eventSource: 'aws:dynamodb';
  awsRegion: string;
  eventSourceARN: string;
  dynamodb: Record<string, unknown> & { SequenceNumber?: string; Keys?: Record<string, unknown> };
}

export type StreamHandler = (
  event: { Records: LambdaStreamRecord[] },
  context: { functionName: string; getRemainingTimeInMillis: () => number },
) => Promise<DynamoDBBatchResponse>;

export interface StreamSourceOptions {
  endpoint: string;
  tableName: string;
  /** The function's name as Lambda would know it (`serverless-payments-<stage>-publishEvents`). */
  functionName: string;
  job: Pick<StreamJob, 'stream' | 'timeoutSeconds'>;
  handler: StreamHandler;
  /** Called after each batch the handler took (items failed or not). */
  onPublished?: () => void;
  /** Told of a span given up on, as the failure queue would be. */
  onGivenUp?: (span: { shardId: string; firstSequence: string; attempts: number }) => void;
  shutdown: AbortSignal;
}

/** How often an idle shard is read (Lambda reads each about four times a second), and the retry backoff's bounds. */
const pollMs = 250;
const listShardsEveryMs = 5_000;
const retryBaseMs = 250;
const retryCapMs = 10_000;

/** Whether `value` (a record, or a part of one) matches a Lambda filter pattern in the subset the jobs use. */
export function matchesFilter(pattern: FilterPattern, value: unknown): boolean {
  return Object.entries(pattern).every(([field, rule]) => {
    const part = (value as Record<string, unknown> | undefined)?.[field];
    if (!Array.isArray(rule)) return matchesFilter(rule as FilterPattern, part);
    return typeof part === 'string' && rule.some((allowed) => (typeof allowed === 'string' ? part === allowed : part.startsWith(allowed.prefix)));
  });
}

/**
 * An item image as DynamoDB's stream carries it. DynamoDB Local's (3.3) writes an empty map as `{}` where DynamoDB
 * writes `{"M": {}}`, which no decoder reads: it is mended here. (Its empty list is `{"L": []}`, as it should be.)
 */
function mendedImage(image: Record<string, unknown>): Record<string, unknown> {
  const mend = (value: unknown): unknown => {
    const attribute = value as { M?: Record<string, unknown>; L?: unknown[] };
    if (Object.keys(attribute).length === 0) return { M: {} };
    if (attribute.M) return { M: mendedImage(attribute.M) };
    if (attribute.L) return { L: attribute.L.map(mend) };
    return value;
  };
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, mend(value)]));
}

/** A record of DynamoDB Local's stream, in Lambda's shape. */
function lambdaRecord(record: RawStreamRecord, streamArn: string): LambdaStreamRecord {
  const { NewImage: image, ...dynamodb } = record.dynamodb ?? {};
  return {
    eventID: record.eventID, eventName: record.eventName, eventSource: 'aws:dynamodb', awsRegion: 'us-east-1', eventSourceARN: streamArn,
    dynamodb: { ...dynamodb, ...(image ? { NewImage: mendedImage(image) } : {}) },
  };
}

/** Where a shard is read from next, and its retry state. */
interface ShardState {
  iterator?: string;
  /** The page after the one being handled, being read meanwhile. */
  prefetched?: Promise<RecordsPage>;
  resume?: ShardPosition;
  done: boolean;
  attempts: number;
  firstFailedAtMs?: number;
  retryAtMs: number;
}

/**
 * Reads the table's stream and hands its records to `handler` until `shutdown`. Answers once it has found the stream,
 * with a promise that settles when it has stopped.
 */
export async function startStreamSource(options: StreamSourceOptions): Promise<{ stopped: Promise<void> }> {
  const api = streamsApi(options.endpoint, options.functionName);
  const streamArn = await api.latestStreamArn(options.tableName);
  if (!streamArn) throw new Error(`The table ${options.tableName} has no stream: create it with npm start or npm test.`);
  const shards = new Map<string, ShardState>();
  let listed: { shards: Shard[]; atMs: number } | undefined;
  const stopped = (async () => {
    while (!options.shutdown.aborted) {
      let read = 0;
      try {
        // The shards are listed again every few seconds, and at once when one has ended: new ones come only so.
        if (!listed || Date.now() - listed.atMs > listShardsEveryMs || listed.shards.some((shard) => shards.get(shard.ShardId)?.done)) {
          listed = { shards: (await api.shards(streamArn)).filter((shard) => !shards.get(shard.ShardId)?.done), atMs: Date.now() };
        }
        for (const shard of listed.shards) {
          if (options.shutdown.aborted) break;
          read += await readShard(shard, shards, streamArn, api, options).catch((error: unknown) => {
            // An iterator that expired or a read that failed: the shard is read again from its checkpoint.
            Object.assign(shards.get(shard.ShardId)!, { iterator: undefined, prefetched: undefined });
            throw error;
          });
        }
      } catch (error) {
        if (!options.shutdown.aborted) console.error(`The stream reader failed (it reads again): ${error instanceof Error ? error.message : String(error)}`);
      }
      // As the mapping does, it reads on at once while records come, and waits only when the stream is idle.
      if (read === 0) await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  })();
  return { stopped };
}

/**
 * Reads one page of a shard and hands its matching records to the handler in batches, unless it waits on a retry;
 * answers how many records the page held.
 */
async function readShard(
  shard: Shard, shards: Map<string, ShardState>, streamArn: string, api: StreamsApi, options: StreamSourceOptions,
): Promise<number> {
  const state = shards.get(shard.ShardId) ?? { done: false, attempts: 0, retryAtMs: 0 };
  shards.set(shard.ShardId, state);
  const parent = shard.ParentShardId ? shards.get(shard.ParentShardId) : undefined;
  if (state.done || (parent && !parent.done) || Date.now() < state.retryAtMs) return 0;
  // A shard no checkpoint names is read from its oldest record, as the deployed mapping starts (TRIM_HORIZON).
  state.iterator ??= await api.iterator(streamArn, shard.ShardId, state.resume ?? { type: 'TRIM_HORIZON' });
  const prefetched = state.prefetched;
  state.prefetched = undefined;
  const page = await (prefetched ?? api.records(state.iterator!));
  const records = page.Records ?? [];
  if (records.length > 0 && page.NextShardIterator) {
    // The next page is read while the handler works on this one, as the mapping polls ahead; it is dropped if this
    // page's batch fails, and read again from the checkpoint.
    const ahead = api.records(page.NextShardIterator);
    ahead.catch(() => undefined);
    state.prefetched = ahead;
  }
  const kept = records.filter((record) => matchesFilter(options.job.stream.filter, record)).map((record) => lambdaRecord(record, streamArn));
  for (let start = 0; start < kept.length; start += options.job.stream.batchSize) {
    const failed = await invoke(kept.slice(start, start + options.job.stream.batchSize), options);
    if (failed !== undefined) {
      state.prefetched = undefined;
      retryFrom(failed, shard.ShardId, state, options);
      return 0;
    }
  }
  state.attempts = 0;
  state.firstFailedAtMs = undefined;
  const last = records.at(-1)?.dynamodb?.SequenceNumber;
  if (last) state.resume = { type: 'AFTER_SEQUENCE_NUMBER', sequence: last };
  state.iterator = page.NextShardIterator;
  if (!state.iterator) state.done = true;
  return records.length;
}

/** Invokes the handler on a batch; answers the sequence number to retry from, if any. */
async function invoke(batch: LambdaStreamRecord[], options: StreamSourceOptions): Promise<string | undefined> {
  const deadline = Date.now() + options.job.timeoutSeconds * 1000;
  try {
    const response = await options.handler({ Records: batch }, {
      functionName: options.functionName, getRemainingTimeInMillis: () => deadline - Date.now(),
    });
    options.onPublished?.();
    const failures = (response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier);
    // As Lambda does: the lowest sequence number reported is where the batch is retried from.
    return failures.length > 0 ? failures.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))[0] : undefined;
  } catch (error) {
    console.error(`${options.functionName} failed on a batch (it is retried): ${error instanceof Error ? error.message : String(error)}`);
    return batch[0]!.dynamodb.SequenceNumber;
  }
}

/**
 * Reads the shard again from `sequence` after a backoff, or, once the job's retries or record age are spent, goes on
 * past that record and reports it (Lambda gives up the rest of its batch too, and names the span in the failure
 * queue; the README's "Events" says how to publish it again).
 */
function retryFrom(sequence: string, shardId: string, state: ShardState, options: StreamSourceOptions): void {
  state.attempts += 1;
  state.firstFailedAtMs ??= Date.now();
  state.iterator = undefined;
  const { retryAttemptsMax, recordAgeSecondsMax } = options.job.stream;
  if (state.attempts > retryAttemptsMax || Date.now() - state.firstFailedAtMs > recordAgeSecondsMax * 1000) {
    options.onGivenUp?.({ shardId, firstSequence: sequence, attempts: state.attempts });
    recordCall({ functionName: options.functionName, command: 'SendMessageCommand' });
    state.resume = { type: 'AFTER_SEQUENCE_NUMBER', sequence };
    state.attempts = 0;
    state.firstFailedAtMs = undefined;
    return;
  }
  state.resume = { type: 'AT_SEQUENCE_NUMBER', sequence };
  state.retryAtMs = Date.now() + Math.min(retryCapMs, retryBaseMs * 2 ** (state.attempts - 1));
}
