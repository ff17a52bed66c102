import {
  TransactionCanceledException,
  TransactionConflictException,
  TransactionInProgressException,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/*
 * DynamoDB's rules for concurrent writes, which DynamoDB Local does not enforce (it runs transactions one at a time),
 * applied on the wire of every client it is installed on. The registry of what is in flight is shared by all of
 * them, so several copies of the ledger (each with its own client, as Lambda instances have) meet each other here:
 *
 * - a transaction that touches an item another in-flight transaction touches is cancelled, `TransactionConflict` on
 *   those items (DynamoDB cancels one of the two; here, the later one);
 * - a single-item write to an item an in-flight transaction touches fails with `TransactionConflictException`;
 * - a transaction sent again with the token of one still in flight fails with `TransactionInProgressException`;
 * - with `writesPerItemPerSecond` set, an item written more often than that is throttled, as one partition is past
 *   its ~1,000 WCU/s (a transactional write of an item of up to 1 KB costs 2 WCU, so about 500 a second).
 */

/** What the model did to one client's calls. */
export interface AwsModelCounts {
  transactions: number;
  conflicts: number;
  inProgress: number;
  throttled: number;
}

const inFlightItems = new Map<string, number>();
const inFlightTokens = new Set<string>();
const writesOfItem = new Map<string, number[]>();

/** The parts of a write's input the model reads, marshalled or not. */
type Input = { TransactItems?: Array<Record<string, { Key?: Record<string, unknown>; Item?: Record<string, unknown> }>>; ClientRequestToken?: string; Key?: Record<string, unknown>; Item?: Record<string, unknown> };

/** Installs the model on a client; the counts are this client's. */
export function installAwsModel(client: DynamoDBDocumentClient, options: { writesPerItemPerSecond?: number } = {}): AwsModelCounts {
  const counts: AwsModelCounts = { transactions: 0, conflicts: 0, inProgress: 0, throttled: 0 };
  type Next = (args: unknown) => Promise<unknown>;
  const wire = (next: Next, context: { commandName?: string }) => async (args: unknown): Promise<unknown> => {
    const input = (args as { input: Input }).input;
    const name = String(context.commandName ?? '');
    if (name === 'TransactWriteItemsCommand') return transaction(next, args, input, counts, options);
    if (['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand'].includes(name)) {
      const key = itemKey(input.Key ?? input.Item);
      if (inFlightItems.has(key)) {
        counts.conflicts += 1;
        throw new TransactionConflictException({ message: 'Transaction is ongoing for the item', $metadata: { httpStatusCode: 400 } });
      }
    }
    return next(args);
  };
  client.middlewareStack.addRelativeTo(wire as never, { relation: 'after', toMiddleware: 'retryMiddleware', name: 'awsModel' });
  return counts;
}

async function transaction(
  next: (args: unknown) => Promise<unknown>,
  args: unknown,
  input: Input,
  counts: AwsModelCounts,
  options: { writesPerItemPerSecond?: number },
): Promise<unknown> {
  counts.transactions += 1;
  const token = input.ClientRequestToken;
  if (token && inFlightTokens.has(token)) {
    counts.inProgress += 1;
    throw new TransactionInProgressException({ message: 'Transaction is in progress', $metadata: { httpStatusCode: 400 } });
  }
  const items = (input.TransactItems ?? []).map((entry) => {
    const [action] = Object.values(entry);
    return itemKey(action?.Key ?? action?.Item);
  });
  const reasons = items.map((key) => (inFlightItems.has(key) ? 'TransactionConflict' : 'None'));
  if (reasons.includes('TransactionConflict')) {
    counts.conflicts += 1;
    throw cancelled(reasons, 'TransactionConflict');
  }
  // Judged once per item: judged again a moment later, an item could fall out of its one-second window, and the
  // cancellation would name no item at all.
  const rate = options.writesPerItemPerSecond;
  const throttled = items.map((key) => rate !== undefined && overRate(key, rate));
  if (throttled.includes(true)) {
    counts.throttled += 1;
    throw cancelled(throttled.map((over) => (over ? 'ThrottlingError' : 'None')), 'ThrottlingError');
  }
  if (token) inFlightTokens.add(token);
  for (const key of items) inFlightItems.set(key, (inFlightItems.get(key) ?? 0) + 1);
  try {
    return await next(args);
  } finally {
    if (token) inFlightTokens.delete(token);
    for (const key of items) {
      const left = (inFlightItems.get(key) ?? 1) - 1;
      if (left > 0) inFlightItems.set(key, left);
      else inFlightItems.delete(key);
    }
    if (options.writesPerItemPerSecond !== undefined) for (const key of items) recordWrite(key);
  }
}

/** Whether an item has been written at least `perSecond` times in the last second. */
function overRate(key: string, perSecond: number): boolean {
  const sinceMs = Date.now() - 1000;
  const recent = (writesOfItem.get(key) ?? []).filter((atMs) => atMs > sinceMs);
  writesOfItem.set(key, recent);
  return recent.length >= perSecond;
}

function recordWrite(key: string): void {
  writesOfItem.set(key, [...(writesOfItem.get(key) ?? []), Date.now()]);
}

/** `pk/sk` of a key or item, marshalled (`{ S: … }`) or not. */
function itemKey(item: Record<string, unknown> | undefined): string {
  const text = (value: unknown) => String((value as { S?: string })?.S ?? value);
  return `${text(item?.pk)}/${text(item?.sk)}`;
}

function cancelled(reasons: string[], cause: string): Error {
  return new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${cause}]`,
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: reasons.map((Code) => ({ Code })),
  });
}
