import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';

/**
 * The reason code DynamoDB gives for each item of a cancelled `TransactWriteItems`, in request order
 * (`None` for items that were fine), or `undefined` if the error is not a cancellation.
 */
export function cancellationReasons(error: unknown): string[] | undefined {
  if (error instanceof TransactionCanceledException || (error as { name?: string })?.name === 'TransactionCanceledException') {
    const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
    return reasons.map((reason) => reason.Code ?? 'None');
  }
  return undefined;
}
