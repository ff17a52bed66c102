import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';

/** Bounds on every DynamoDB call: a hung connection must not hold a Lambda until its own timeout. */
const connectionTimeoutMs = 1000;
const requestTimeoutMs = 3000;
const sdkAttemptsMax = 3;

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
    requestHandler: { connectionTimeout: connectionTimeoutMs, requestTimeout: requestTimeoutMs },
    // DynamoDB Local accepts any credentials; a laptop should not need an AWS profile to run the platform.
    ...(local && !process.env.AWS_ACCESS_KEY_ID
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** The shared client, created once at cold start and reused by every invocation. */
export const db = createDocumentClient();
