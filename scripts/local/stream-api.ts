import { recordCall } from '../../lib/storage/call-log';

/*
 * DynamoDB Local's Streams API, spoken directly (AWS JSON 1.0 over HTTP): the SDK's client turns every attribute of
 * every record into objects, which cost several times the server's own time per page and starved the publisher on
 * these two cores, and Lambda hands a function the records as this very JSON anyway. DynamoDB Local checks that a
 * request is signed, not its signature. Each call is recorded as the function's (lib/storage/call-log.ts): the event
 * source mapping makes it with the function's role.
 */

/** A stream record as the Streams API answers it (and Lambda passes it on). */
export interface RawStreamRecord {
  eventID?: string;
  eventName?: string;
  dynamodb?: Record<string, unknown> & { SequenceNumber?: string; Keys?: Record<string, unknown>; NewImage?: Record<string, unknown> };
}

/** A shard of the stream. */
export interface Shard {
  ShardId: string;
  ParentShardId?: string;
}

/** One page of a shard's records, and where the next begins (`undefined` once a closed shard is read to its end). */
export interface RecordsPage {
  Records?: RawStreamRecord[];
  NextShardIterator?: string;
}

/** Where a shard is read from: its oldest record, or at or after a sequence number. */
export type ShardPosition = { type: 'TRIM_HORIZON' } | { type: 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER'; sequence: string };

/** Records one read asks for: GetRecords' own maximum. */
const recordsPerReadMax = 1_000;
/** No call to DynamoDB Local may take longer than this. */
const callTimeoutMs = 10_000;
const unsignedButWellFormed = 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00';

/** The calls the stream reader makes, against DynamoDB Local at `endpoint`, on behalf of `functionName`. */
export function streamsApi(endpoint: string, functionName: string) {
  const call = async <T>(operation: string, body: object): Promise<T> => {
    recordCall({ functionName, command: `${operation}Command` });
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDBStreams_20120810.${operation}`, authorization: unsignedButWellFormed },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(callTimeoutMs),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`DynamoDB Local's ${operation} answered ${response.status}: ${text.slice(0, 200)}`);
    return JSON.parse(text) as T;
  };
  return {
    /** The table's latest stream, or `undefined` if it has none. */
    latestStreamArn: async (tableName: string) => (await call<{ Streams?: Array<{ StreamArn: string }> }>('ListStreams', { TableName: tableName }))
      .Streams?.at(-1)?.StreamArn,
    /** Every shard of the stream, parents listed before their children (DescribeStream lists them so). */
    shards: async (streamArn: string): Promise<Shard[]> => {
      const shards: Shard[] = [];
      for (let start: string | undefined; ;) {
        const { StreamDescription: page } = await call<{ StreamDescription?: { Shards?: Shard[]; LastEvaluatedShardId?: string } }>(
          'DescribeStream', { StreamArn: streamArn, ...(start ? { ExclusiveStartShardId: start } : {}) },
        );
        shards.push(...(page?.Shards ?? []));
        start = page?.LastEvaluatedShardId;
        if (!start) return shards;
      }
    },
    /** An iterator over a shard from `position`. */
    iterator: async (streamArn: string, shardId: string, position: ShardPosition) => (await call<{ ShardIterator?: string }>('GetShardIterator', {
      StreamArn: streamArn, ShardId: shardId, ShardIteratorType: position.type, ...('sequence' in position ? { SequenceNumber: position.sequence } : {}),
    })).ShardIterator,
    /** The next page of records from `iterator`. */
    records: (iterator: string) => call<RecordsPage>('GetRecords', { ShardIterator: iterator, Limit: recordsPerReadMax }),
  };
}

export type StreamsApi = ReturnType<typeof streamsApi>;
