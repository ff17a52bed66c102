import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { config } from '../config';
import { deadlineSignal } from '../request-context';
import { StorageUnavailableError } from '../errors';
import { awsClientOptions, withCallLog } from './aws-client';
import { isUnavailable } from './dynamo-errors';

/**
 * Calls whose failure after the SDK's retries is safe to report as "busy, retry": reads change nothing, and every
 * single-item write of ours recognizes its own earlier success (a conditional insert of a fresh id, an update to a
 * set value). Transactions are left alone: the ledger write and registration tell their ambiguous failures apart
 * themselves.
 */
const retrySafeCommands = new Set([
  'GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand', 'PutItemCommand', 'UpdateItemCommand',
]);

/**
 * The SDK's HTTP handler, bounded by the request's deadline: every attempt of every call made for a request is
 * aborted when the deadline passes, and the SDK does not retry an aborted attempt.
 */
class DeadlineBoundHandler extends NodeHttpHandler {
  override handle(...[request, options = {}]: Parameters<NodeHttpHandler['handle']>) {
    const abortSignal = options.abortSignal ?? deadlineSignal();
    return super.handle(request, abortSignal ? { ...options, abortSignal } : options);
  }
}

/**
 * Builds the document client. Exported so tests can build one against another endpoint or wrap it with a fault
 * injector; everything else uses the module-level `db`.
 */
export function createDocumentClient(endpoint = config.dynamoEndpoint): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(createClient(endpoint), { marshallOptions: { removeUndefinedValues: true } });
}

/** The client without the document layer: its items are DynamoDB's raw attribute values. */
function createClient(endpoint: string | undefined): DynamoDBClient {
  // Its handler, unlike the bus's (./event-bus.ts), is bound to the request's deadline.
  const client = new DynamoDBClient(awsClientOptions(endpoint, DeadlineBoundHandler));
  // Outermost, so it sees only what the SDK's own retries could not absorb. A call that stays throttled, timed out,
  // cut off by the deadline or failing on DynamoDB's side is a busy platform (503, retry), not a bug (500).
  client.middlewareStack.add((next, context) => async (args) => {
    try {
      return await next(args);
    } catch (error) {
      if (isUnavailable(error) && retrySafeCommands.has(String(context.commandName))) throw new StorageUnavailableError();
      throw error;
    }
  }, { step: 'initialize', name: 'busyReadsAsUnavailable', priority: 'high' });
  return withCallLog(client);
}

/**
 * The raw client, for reads that must see exact attribute values (the reconciler's: a corrupted number past 2^53
 * must reach its checks as data). `db` is a document layer over this very client: they share configuration and
 * middleware, so faults injected into `db` reach both.
 */
export const rawDb = createClient(config.dynamoEndpoint);

/** The shared client, created once at cold start and reused by every invocation. */
export const db = DynamoDBDocumentClient.from(rawDb, { marshallOptions: { removeUndefinedValues: true } });

/**
 * Reads items by key, strongly consistent, in `BatchGetItem` rounds until DynamoDB has answered for every key (it may
 * leave some unprocessed under load); after `roundsMax` rounds it throws what `busy` makes. Missing items are absent.
 * With `attributes`, each item holds only those and its key.
 */
export async function batchGetConsistent(
  keyList: ReadonlyArray<Record<string, string>>, roundsMax: number, busy: () => Error, attributes?: readonly string[],
): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  // Only `attributes` (with the key) when given: a probe of a long history reads a few fields of each entry it meets.
  const projection = attributes && {
    ProjectionExpression: ['pk', 'sk', ...attributes].map((_, index) => `#a${index}`).join(', '),
    ExpressionAttributeNames: Object.fromEntries(['pk', 'sk', ...attributes].map((name, index) => [`#a${index}`, name])),
  };
  for (let pending = [...keyList], round = 0; pending.length > 0; round += 1) {
    if (round >= roundsMax) throw busy();
    const result = await db.send(new BatchGetCommand({ RequestItems: { [config.tableName]: { Keys: pending, ConsistentRead: true, ...projection } } }));
    items.push(...(result.Responses?.[config.tableName] ?? []));
    pending = (result.UnprocessedKeys?.[config.tableName]?.Keys ?? []) as Array<Record<string, string>>;
  }
  return items;
}
