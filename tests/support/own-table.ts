/**
 * Gives the test file that imports this FIRST its own DynamoDB table, so it can reconcile and compare the whole table
 * while other test files write to theirs. The name is `payments-<stage>`, so an API started at that stage serves it.
 * It must run before anything loads `lib/config`, which reads TABLE_NAME once. Like every connected test, it refuses
 * an endpoint that is not on this machine.
 */
import { randomUUID } from 'node:crypto';

const endpoint = process.env.DYNAMODB_ENDPOINT;
if (!endpoint || !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/?$/.test(endpoint)) {
  throw new Error(`Safety tests run only against DynamoDB Local; DYNAMODB_ENDPOINT is ${JSON.stringify(endpoint)}.`);
}

/** The table this test file owns. */
export const ownTableName = `payments-safety-${randomUUID().slice(0, 8)}`;
process.env.TABLE_NAME = ownTableName;
