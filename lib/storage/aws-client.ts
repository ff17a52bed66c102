import { NodeHttpHandler, type NodeHttpHandlerOptions } from '@smithy/node-http-handler';
import type { MiddlewareStack } from '@smithy/types';
import { config } from '../config';
import { limits } from '../limits';
import { recordCalls } from './call-log';

/*
 * What every AWS client of ours is built from (DynamoDB's in ./client.ts, EventBridge's in ./event-bus.ts, SSM's in
 * ./ssm.ts), so that their bounds, endpoint and credentials cannot drift apart.
 */

/**
 * The HTTP handler's bounds. A hung connection must not hold a Lambda until its own timeout. Without
 * throwOnRequestTimeout the SDK only logs a warning and keeps waiting; with it, a hung call fails and is retried.
 * Every write tolerates that: transfers and registrations carry client tokens, account creation recognizes its own
 * earlier write, and a bus entry put twice carries the same `detail.id`.
 */
const handlerOptions: NodeHttpHandlerOptions = {
  connectionTimeout: limits.sdkConnectionTimeoutMs,
  requestTimeout: limits.sdkRequestTimeoutMs,
  throwOnRequestTimeout: true,
};

/**
 * The configuration shared by every client: the stage's region, `endpoint` (AWS's regional one when unset), the SDK's
 * bounded attempts, and an HTTP handler of class `Handler` (a plain `NodeHttpHandler` unless the client needs its own)
 * with the bounds above.
 */
export function awsClientOptions(endpoint: string | undefined, Handler: typeof NodeHttpHandler = NodeHttpHandler) {
  return {
    region: config.region,
    endpoint,
    maxAttempts: limits.sdkAttemptsMax,
    requestHandler: new Handler(handlerOptions),
    // DynamoDB Local, LocalStack and a test's stand-in accept any credentials; a laptop should not need an AWS
    // profile to run the platform.
    ...(endpoint !== undefined && !process.env.AWS_ACCESS_KEY_ID
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  };
}

/**
 * Records `client`'s calls in the file `AWS_CALL_LOG` names, when it names one (only the test command sets it), and
 * answers the client, for the IAM test to read. DynamoDB's and EventBridge's clients go through this, after their own
 * middleware; SSM's does not, since `recordSecretRead` stands for its one call (./call-log.ts).
 */
export function withCallLog<Client extends { middlewareStack: MiddlewareStack<any, any> }>(client: Client): Client {
  if (process.env.AWS_CALL_LOG) recordCalls(client, process.env.AWS_CALL_LOG);
  return client;
}
