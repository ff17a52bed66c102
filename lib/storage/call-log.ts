import { appendFileSync } from 'node:fs';
import type { MiddlewareStack } from '@smithy/types';
import { currentFunctionName } from '../request-context';

/**
 * Records every call of an AWS client (DynamoDB's, EventBridge's), with the function that made it, as one JSON line
 * in the file `AWS_CALL_LOG` names. Only the test command sets it: the IAM test then checks each function's role in
 * the packaged template against the calls that function really made, both ways (tests/after/iam.test.ts). A deployed
 * stage never sets it.
 */
export function recordCalls(client: { middlewareStack: MiddlewareStack<any, any> }, file: string): void {
  client.middlewareStack.add((next, context) => async (args) => {
    const input = args.input as { IndexName?: string; TransactItems?: Array<Record<string, unknown>> };
    const line = {
      functionName: currentFunctionName() ?? null,
      command: context.commandName,
      index: input.IndexName,
      items: input.TransactItems?.map((item) => Object.keys(item)[0]),
    };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
    return next(args);
  }, { step: 'initialize', name: 'recordCalls', priority: 'high' });
}

/** Records a call made on a function's behalf but not by its code (the stream's event source mapping's). */
export function recordCall(line: { functionName: string | null; command: string }): void {
  const file = process.env.AWS_CALL_LOG;
  if (file) appendFileSync(file, `${JSON.stringify(line)}\n`);
}

/**
 * Records that the current function needed the JWT signing secret. Deployed, a function reads it from SSM once per
 * cold start; here it comes from the environment, so the read is recorded as the call it would be.
 */
export function recordSecretRead(): void {
  recordCall({ functionName: currentFunctionName() ?? null, command: 'GetParameterCommand' });
}
