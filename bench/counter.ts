import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** DynamoDB requests a client sent, by kind, since the counter was made or last reset. */
export interface RequestCounts {
  /** Reads by key (`GetItem`, or `BatchGetItem` counted once). */
  reads: number;
  /** `TransactWriteItems` calls, committed or not. */
  transactWrites: number;
  /** `TransactWriteItems` calls that committed: for the ledger, posted transfers. */
  committed: number;
  /** `TransactWriteItems` calls DynamoDB cancelled (for a transfer: a stale `seq`, so the ledger re-reads and retries). */
  cancelled: number;
  other: number;
}

/**
 * Counts the requests a client sends, without changing what it sends: a middleware at the start of the stack that
 * looks at each command's input. The ledger's own client is counted this way, so attempts per posted transfer are
 * measured, not inferred.
 */
export function countRequests(client: DynamoDBDocumentClient): { counts: RequestCounts; reset: () => void } {
  const counts: RequestCounts = { reads: 0, transactWrites: 0, committed: 0, cancelled: 0, other: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      const kind = kindOf(args.input as Record<string, unknown>);
      counts[kind] += 1;
      try {
        const output = await next(args);
        if (kind === 'transactWrites') counts.committed += 1;
        return output;
      } catch (error) {
        if (kind === 'transactWrites' && (error as Error).name === 'TransactionCanceledException') counts.cancelled += 1;
        throw error;
      }
    },
    { step: 'initialize', name: 'benchRequestCounter' },
  );
  const reset = (): void => {
    counts.reads = 0;
    counts.transactWrites = 0;
    counts.committed = 0;
    counts.cancelled = 0;
    counts.other = 0;
  };
  return { counts, reset };
}

function kindOf(input: Record<string, unknown>): 'reads' | 'transactWrites' | 'other' {
  if ('TransactItems' in input) return 'transactWrites';
  if ('Key' in input && !('UpdateExpression' in input)) return 'reads';
  const batch = input.RequestItems as Record<string, { Keys?: unknown }> | undefined;
  if (batch && Object.values(batch).some((table) => table.Keys !== undefined)) return 'reads';
  return 'other';
}
