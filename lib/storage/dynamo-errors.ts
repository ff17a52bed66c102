import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';

/** One item of a `TransactWriteItems`, as the item modules build them for the ledger write. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/*
 * What DynamoDB's errors mean, in one place: which say "back off and retry", which leave a write's outcome unknown,
 * and how a cancelled transaction names the item that failed.
 */

/** Errors that mean DynamoDB refused the call for load: nothing was done, and a later retry may pass. */
const throttlingErrors = new Set(['ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded']);
/** Per-item cancellation reasons of a transaction that a retry may pass. */
const retryableReasons = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);
/** The SDK's names for a call that got no answer in time, or that the request's deadline cut off (`lib/request-context.ts`). */
const timeoutErrors = new Set(['TimeoutError', 'RequestTimeout', 'AbortError']);

/**
 * DynamoDB refused the call for load, or its outcome is unknown (no answer in time, a dropped connection, a 5xx):
 * a busy platform (503, retry), not a bug, for any call that is safe to retry.
 */
export function isUnavailable(error: unknown): boolean {
  return isThrottled(error) || isAmbiguous(error);
}

/** DynamoDB refused the call for load; nothing was written. */
export function isThrottled(error: unknown): boolean {
  return throttlingErrors.has(nameOf(error));
}

/** A single-item write's condition failed. */
export function isConditionFailed(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || nameOf(error) === 'ConditionalCheckFailedException';
}

/**
 * The reason code DynamoDB gives for each item of a cancelled `TransactWriteItems`, in request order (`None` for
 * items that were fine), or `undefined` if the error is not a cancellation.
 */
export function cancellationReasons(error: unknown): string[] | undefined {
  if (!(error instanceof TransactionCanceledException) && nameOf(error) !== 'TransactionCanceledException') return undefined;
  return ((error as TransactionCanceledException).CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
}

/** Whether an item of a cancelled transaction failed its condition. */
export function conditionFailed(reasons: readonly string[], index: number): boolean {
  return reasons[index] === 'ConditionalCheckFailed';
}

/** Whether a cancelled transaction may pass if sent again (a conflict with another one in flight, or throttling). */
export function retryableCancellation(reasons: readonly string[]): boolean {
  return reasons.some((reason) => retryableReasons.has(reason));
}

/** A timeout or dropped connection: the write may or may not have committed. */
export function isAmbiguous(error: unknown): boolean {
  const name = nameOf(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  // TransactionInProgressException: DynamoDB is still applying an earlier send with this token, which may commit.
  return timeoutErrors.has(name) || name === 'TransactionInProgressException'
    || /ECONNRESET|EPIPE|socket hang up/.test(String((error as Error)?.message))
    || (status !== undefined && status >= 500);
}

/** Whether the SDK already retried this call: its earlier attempts may have been lost responses. */
export function retriedBySdk(error: unknown): boolean {
  return ((error as { $metadata?: { attempts?: number } })?.$metadata?.attempts ?? 1) > 1;
}

function nameOf(error: unknown): string {
  return (error as { name?: unknown })?.name === undefined ? '' : String((error as { name: unknown }).name);
}
