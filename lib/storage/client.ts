import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { StorageUnavailableError } from '../errors';

/** Bounds on every DynamoDB call: a hung connection must not hold a Lambda until its own timeout. */
const connectionTimeoutMs = 1000;
const requestTimeoutMs = 3000;
const sdkAttemptsMax = 3;

/** Reads that change nothing, so a failure of theirs is safe to report as "busy, retry". */
const readCommands = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand']);
const busyErrors = new Set([
  'ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'TimeoutError', 'RequestTimeout',
]);

/**
 * Builds the document client. Exported so tests can build one against another endpoint or wrap it with a fault
 * injector; everything else uses the module-level `db`.
 */
export function createDocumentClient(endpoint = config.dynamoEndpoint): DynamoDBDocumentClient {
  const local = endpoint !== undefined;
  const client = new DynamoDBClient({
    region: config.region,
    endpoint,
    maxAttempts: sdkAttemptsMax,
    // Without throwOnRequestTimeout the SDK only logs a warning and keeps waiting; with it, a hung call fails and is
    // retried. Every write tolerates that: transfers and registrations carry client tokens, account creation
    // recognizes its own earlier write.
    requestHandler: { connectionTimeout: connectionTimeoutMs, requestTimeout: requestTimeoutMs, throwOnRequestTimeout: true },
    // DynamoDB Local accepts any credentials; a laptop should not need an AWS profile to run the platform.
    ...(local && !process.env.AWS_ACCESS_KEY_ID
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
  // Outermost, so it sees only what the SDK's own retries could not absorb. A read that stays throttled or timed out
  // is a busy platform (503, retry), not a bug (500). Writes are left alone: the posting store tells their
  // ambiguous failures apart itself.
  client.middlewareStack.add((next, context) => async (args) => {
    try {
      return await next(args);
    } catch (error) {
      if (readCommands.has(String(context.commandName)) && busyErrors.has((error as Error)?.name)) {
        throw new StorageUnavailableError();
      }
      throw error;
    }
  }, { step: 'initialize', name: 'busyReadsAsUnavailable', priority: 'high' });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** The shared client, created once at cold start and reused by every invocation. */
export const db = createDocumentClient();
