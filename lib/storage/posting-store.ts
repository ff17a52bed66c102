import { BatchGetCommand, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { ServiceUnavailableError } from '../errors';
import { cancellationReasons } from './cancellation';
import { db } from './client';
import { keys } from './keys';
import { toAccount, type AccountRecord, type TransactionRecord } from './ledger-store';

/** The idempotency record of a posted transfer: what the key was bound to, and the answer to replay. */
export interface IdempotencyRecord {
  requestHash: string;
  transactionId: string;
  status: number;
  response: string;
  expiresAt: number;
}

/** Everything one transfer writes. `from` and `to` are the accounts as read; their `seq` guards the write. */
export interface PostingPlan {
  transaction: TransactionRecord;
  from: AccountRecord;
  to: AccountRecord;
  idempotency?: { callerId: string; key: string; record: IdempotencyRecord };
}

/**
 * How a posting ended. `stale`: an account changed since it was read (re-read and re-plan). `idempotency_taken`:
 * another request posted under the same key first. `busy`: DynamoDB asked us to back off.
 */
export type PostingOutcome = 'posted' | 'stale' | 'idempotency_taken' | 'busy';

const retryableReasons = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);
const retryableErrors = new Set(['ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded']);
/** Same-request retries after an answer that never came; the client request token makes them safe. */
const ambiguousAttemptsMax = 3;

/**
 * Writes a transfer in one `TransactWriteItems`: both balance updates, the transaction, its two entries and the
 * idempotency record, all or nothing. Each balance update is guarded by the account's `seq` as read, so every
 * check the ledger made on that read (existence, currency, floor, overflow) still holds when the write commits;
 * the currency and floor are also restated as conditions so that no code path can skip them.
 */
export async function postTransfer(plan: PostingPlan): Promise<PostingOutcome> {
  const command = new TransactWriteCommand({
    // Same token, same items: DynamoDB applies the write at most once within ten minutes, so a retry after a lost
    // response cannot post twice.
    ClientRequestToken: plan.transaction.id,
    TransactItems: transactItems(plan),
  });
  let mayHaveCommitted = false;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await db.send(command);
      return 'posted';
    } catch (error) {
      const reasons = cancellationReasons(error);
      let outcome: PostingOutcome | undefined = reasons ? classify(reasons)
        : retryableErrors.has((error as Error).name) ? 'busy' : undefined;
      if (outcome === undefined && !isAmbiguous(error)) throw error;
      // After an answer that never came (here, or in an attempt the SDK retried), an earlier send may have committed,
      // and a later "busy" or "stale" says nothing about it: planning the transfer afresh would post it twice. The transaction item, written in the
      // same transaction, tells. If it is absent, "stale" is safe (the accounts moved on, so the earlier send can no
      // longer commit), while "busy" is not proven, so the same request (same token) is sent again instead.
      if ((mayHaveCommitted || retriedBySdk(error)) && (outcome === 'busy' || outcome === 'stale')) {
        if (await transactionExists(plan.transaction.id)) return 'posted';
        if (outcome === 'busy') outcome = undefined;
      }
      if (outcome !== undefined) return outcome;
      mayHaveCommitted ||= isAmbiguous(error);
      if (attempt >= ambiguousAttemptsMax) {
        throw new ServiceUnavailableError(
          'ledger_unavailable',
          'The ledger did not confirm the transfer; retry with the same Idempotency-Key to learn its outcome safely.',
        );
      }
    }
  }
}

/** Whether a transaction item exists, from a strongly consistent read of its key alone. */
async function transactionExists(transactionId: string): Promise<boolean> {
  const result = await db.send(new GetCommand({
    TableName: config.tableName,
    Key: keys.transaction(transactionId),
    ConsistentRead: true,
    ProjectionExpression: 'pk',
  }));
  return result.Item !== undefined;
}

/** Reads the idempotency record for a caller's key, or `undefined` if there is none or it has expired. */
export async function findIdempotencyRecord(callerId: string, key: string): Promise<IdempotencyRecord | undefined> {
  const result = await db.send(new GetCommand({
    TableName: config.tableName,
    Key: keys.idempotency(callerId, key),
    ConsistentRead: true,
  }));
  return result.Item ? toIdempotencyRecord(result.Item) : undefined;
}

/** An unexpired idempotency record, or `undefined`. */
function toIdempotencyRecord(item: Record<string, unknown>): IdempotencyRecord | undefined {
  if (Number(item.expiresAt) <= Math.floor(Date.now() / 1000)) return undefined;
  return {
    requestHash: String(item.requestHash),
    transactionId: String(item.transactionId),
    status: Number(item.status),
    response: String(item.response),
    expiresAt: Number(item.expiresAt),
  };
}

/** The items of the one `TransactWriteItems` a transfer issues (exported for the benchmark's raw baseline). */
export function transactItems(plan: PostingPlan) {
  const { transaction: txn, from, to } = plan;
  const now = txn.createdAt;
  const [debit, credit] = txn.entries;
  const TableName = config.tableName;
  const items: NonNullable<TransactWriteCommand['input']['TransactItems']> = [
    {
      Update: {
        TableName,
        Key: keys.account(from.id),
        UpdateExpression: 'SET balance = balance - :amount, seq = :nextSeq, updatedAt = :now',
        ConditionExpression: 'seq = :seq AND currency = :currency AND (#type = :system OR balance >= :amount)',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: {
          ':amount': txn.amount, ':seq': from.seq, ':nextSeq': from.seq + 1, ':now': now,
          ':currency': txn.currency, ':system': 'system',
        },
      },
    },
    {
      Update: {
        TableName,
        Key: keys.account(to.id),
        UpdateExpression: 'SET balance = balance + :amount, seq = :nextSeq, updatedAt = :now',
        ConditionExpression: 'seq = :seq AND currency = :currency',
        ExpressionAttributeValues: {
          ':amount': txn.amount, ':seq': to.seq, ':nextSeq': to.seq + 1, ':now': now, ':currency': txn.currency,
        },
      },
    },
    { Put: { TableName, Item: { ...keys.transaction(txn.id), entity: 'transaction', ...txn }, ConditionExpression: 'attribute_not_exists(pk)' } },
    { Put: { TableName, Item: entryItem(txn, debit!, from.seq + 1), ConditionExpression: 'attribute_not_exists(pk)' } },
    { Put: { TableName, Item: entryItem(txn, credit!, to.seq + 1), ConditionExpression: 'attribute_not_exists(pk)' } },
  ];
  if (plan.idempotency) {
    const { callerId, key, record } = plan.idempotency;
    items.push({
      Put: {
        TableName,
        Item: { ...keys.idempotency(callerId, key), entity: 'idempotency', callerId, ...record, createdAt: now },
        // An expired record no longer binds its key, even before DynamoDB's TTL sweep deletes it.
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :nowEpoch',
        ExpressionAttributeValues: { ':nowEpoch': Math.floor(Date.parse(now) / 1000) },
      },
    });
  }
  return items;
}

/** The item behind one line of an account's statement; it carries the whole transaction so a page is one query. */
function entryItem(txn: TransactionRecord, entry: TransactionRecord['entries'][number], seq: number) {
  return {
    ...keys.entry(entry.accountId, seq),
    entity: 'entry',
    accountId: entry.accountId,
    seq,
    transactionId: txn.id,
    direction: entry.direction,
    amount: entry.amount,
    balanceAfter: entry.balanceAfter,
    currency: txn.currency,
    createdAt: txn.createdAt,
    transaction: txn,
  };
}

/** Item order is the order of `transactItems`: 0 debit, 1 credit, 2 transaction, 3–4 entries, 5 idempotency. */
function classify(reasons: string[]): PostingOutcome {
  if (reasons[5] === 'ConditionalCheckFailed') return 'idempotency_taken';
  if (reasons[0] === 'ConditionalCheckFailed' || reasons[1] === 'ConditionalCheckFailed') return 'stale';
  if (reasons.some((reason) => retryableReasons.has(reason))) return 'busy';
  throw new Error(`Transfer cancelled for an unexpected reason: ${reasons.join(', ')}`);
}

/** Whether the SDK already retried this request: its earlier attempts may have been lost responses. */
function retriedBySdk(error: unknown): boolean {
  return ((error as { $metadata?: { attempts?: number } })?.$metadata?.attempts ?? 1) > 1;
}

/** A timeout or dropped connection: the write may or may not have committed. */
function isAmbiguous(error: unknown): boolean {
  const name = (error as Error)?.name ?? '';
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  // TransactionInProgressException: DynamoDB is still applying an earlier send with this token, which may commit.
  return name === 'TimeoutError' || name === 'RequestTimeout' || name === 'TransactionInProgressException'
    || /ECONNRESET|EPIPE|socket hang up/.test(String((error as Error)?.message))
    || (status !== undefined && status >= 500);
}

/** What one transfer attempt reads: both accounts and, on the first attempt, the caller's idempotency record. */
export interface TransferReads {
  from?: AccountRecord;
  to?: AccountRecord;
  earlier?: IdempotencyRecord;
}

const batchRoundsMax = 4;

/**
 * Reads both accounts, and the idempotency record when `idempotency` is given, in one strongly consistent
 * `BatchGetItem`: one round trip and one request instead of three. Keys DynamoDB leaves unprocessed are asked for
 * again, a bounded number of times.
 */
export async function readForTransfer(fromId: string, toId: string, idempotency?: { callerId: string; key: string }): Promise<TransferReads> {
  let pending: Array<Record<string, string>> = [keys.account(fromId), keys.account(toId)];
  if (idempotency) pending.push(keys.idempotency(idempotency.callerId, idempotency.key));
  const items: Array<Record<string, unknown>> = [];
  for (let round = 0; pending.length > 0; round += 1) {
    if (round >= batchRoundsMax) throw new ServiceUnavailableError('ledger_busy', 'The ledger is busy; retry the request.');
    const result = await db.send(new BatchGetCommand({ RequestItems: { [config.tableName]: { Keys: pending, ConsistentRead: true } } }));
    items.push(...(result.Responses?.[config.tableName] ?? []));
    pending = (result.UnprocessedKeys?.[config.tableName]?.Keys ?? []) as Array<Record<string, string>>;
  }
  const byPk = new Map(items.map((item) => [String(item.pk), item]));
  const from = byPk.get(keys.account(fromId).pk);
  const to = byPk.get(keys.account(toId).pk);
  const record = idempotency ? byPk.get(keys.idempotency(idempotency.callerId, idempotency.key).pk) : undefined;
  return {
    from: from ? toAccount(from) : undefined,
    to: to ? toAccount(to) : undefined,
    earlier: record ? toIdempotencyRecord(record) : undefined,
  };
}
