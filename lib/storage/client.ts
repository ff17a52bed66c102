import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { StorageUnavailableError } from '../errors';
import { limits } from '../limits';
import { isBusyOrTimedOut } from './dynamo-errors';

/** Reads that change nothing, so a failure of theirs is safe to report as "busy, retry". */
const readCommands = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand']);

/**
 * Builds the document client. Exported so tests can build one against another endpoint or wrap it with a fault
 * injector; everything else uses the module-level `db`.
 */
export function createDocumentClient(endpoint = config.dynamoEndpoint): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(createClient(endpoint), { marshallOptions: { removeUndefinedValues: true } });
}

/** The client without the document layer: its items are DynamoDB's raw attribute values. */
function createClient(endpoint: string | undefined): DynamoDBClient {
  const local = endpoint !== undefined;
  const client = new DynamoDBClient({
    region: config.region,
    endpoint,
    maxAttempts: limits.sdkAttemptsMax,
    // A hung connection must not hold a Lambda until its own timeout. Without throwOnRequestTimeout the SDK only logs
    // a warning and keeps waiting; with it, a hung call fails and is retried. Every write tolerates that: transfers
    // and registrations carry client tokens, account creation recognizes its own earlier write.
    requestHandler: {
      connectionTimeout: limits.sdkConnectionTimeoutMs,
      requestTimeout: limits.sdkRequestTimeoutMs,
      throwOnRequestTimeout: true,
    },
    // DynamoDB Local accepts any credentials; a laptop should not need an AWS profile to run the platform.
    ...(local && !process.env.AWS_ACCESS_KEY_ID
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
  // Outermost, so it sees only what the SDK's own retries could not absorb. A read that stays throttled or timed out
  // is a busy platform (503, retry), not a bug (500). Writes are left alone: the ledger write tells their ambiguous
  // failures apart itself.
  client.middlewareStack.add((next, context) => async (args) => {
    try {
      return await next(args);
    } catch (error) {
      if (readCommands.has(String(context.commandName)) && isBusyOrTimedOut(error)) throw new StorageUnavailableError();
      throw error;
    }
  }, { step: 'initialize', name: 'busyReadsAsUnavailable', priority: 'high' });
  return client;
}

/**
 * The raw client, for reads that must see exact attribute values (the reconciler's: a corrupted number past 2^53
 * must reach its checks as data). `db` is a document layer over this very client: they share configuration and
 * middleware, so faults injected into `db` reach both.
 */
export const rawDb = createClient(config.dynamoEndpoint);

/** The shared client, created once at cold start and reused by every invocation. */
export const db = DynamoDBDocumentClient.from(rawDb, { marshallOptions: { removeUndefinedValues: true } });
