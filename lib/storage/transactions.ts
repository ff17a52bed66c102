import { BatchGetCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { assert, LedgerUnavailableError } from '../errors';
import type { EntryRecord, Initiator, TransactionRecord } from '../ledger/model';
import { db } from './client';
import type { TransactItem } from './dynamo-errors';
import { entryPrefix, keys } from './keys';

/*
 * The transaction item (`TXN#<id>` / `TXN`) and its entry items, one per leg, each in its account's partition
 * (`ACCOUNT#<id>` / `ENTRY#<seq>`) so that a statement is one query. Both are written only by the ledger write
 * (`ledger-write.ts`), with the items built here.
 */

/** Reads a transaction, or `undefined`. */
export async function findTransaction(transactionId: string): Promise<TransactionRecord | undefined> {
  const result = await db.send(new GetCommand({
    TableName: config.tableName,
    Key: keys.transaction(transactionId),
    ConsistentRead: true,
  }));
  return result.Item ? transactionFromItem(result.Item) : undefined;
}

/**
 * Whether a transaction item exists, from a strongly consistent read of its key alone. A `BatchGetItem` of one key,
 * because the transfer path reads with that action only: its function's role then needs no `GetItem` at all.
 */
export async function transactionExists(transactionId: string): Promise<boolean> {
  const result = await db.send(new BatchGetCommand({
    RequestItems: { [config.tableName]: { Keys: [keys.transaction(transactionId)], ConsistentRead: true, ProjectionExpression: 'pk' } },
  }));
  // A key DynamoDB leaves unprocessed is not an answer: the outcome stays unknown.
  if ((result.UnprocessedKeys?.[config.tableName]?.Keys ?? []).length > 0) throw new LedgerUnavailableError();
  return (result.Responses?.[config.tableName] ?? []).length > 0;
}

/**
 * One page of an account's transactions, newest first: entries whose sequence number is below `beforeSeq`.
 * Sequence numbers only grow, so a page boundary stays put while new transfers land.
 */
export async function queryStatement(accountId: string, limit: number, beforeSeq?: number) {
  const pk = keys.account(accountId).pk;
  // Sequence numbers start at 1, so an upper bound of `beforeSeq - 1` (inclusive) never reaches below the prefix.
  const upper = beforeSeq === undefined ? undefined : keys.entry(accountId, beforeSeq - 1).sk;
  const result = await db.send(new QueryCommand({
    TableName: config.tableName,
    KeyConditionExpression: upper ? 'pk = :pk AND sk BETWEEN :lower AND :upper' : 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: upper
      ? { ':pk': pk, ':lower': entryPrefix, ':upper': upper }
      : { ':pk': pk, ':prefix': entryPrefix },
    ScanIndexForward: false,
    ConsistentRead: true,
    Limit: limit + 1,
  }));
  const items = result.Items ?? [];
  const page = items.slice(0, limit);
  const last = page.at(-1);
  return {
    transactions: page.map((item) => transactionFromItem(item.transaction as Record<string, unknown>)),
    nextBeforeSeq: items.length > limit && last ? Number(last.seq) : null,
  };
}

/** The transaction's own item, written once. */
export function transactionPut(txn: TransactionRecord): TransactItem {
  return {
    Put: {
      TableName: config.tableName,
      Item: { ...keys.transaction(txn.id), entity: 'transaction', ...txn },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** The item behind one line of an account's statement, numbered `seq`; it carries the whole transaction. */
export function entryPut(txn: TransactionRecord, entry: EntryRecord, seq: number): TransactItem {
  return {
    Put: {
      TableName: config.tableName,
      Item: {
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
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** The transaction an item holds. An amount that is not a positive safe integer is a bug in the data. */
export function transactionFromItem(item: Record<string, unknown>): TransactionRecord {
  const amount = item.amount;
  assert(typeof amount === 'number' && Number.isSafeInteger(amount) && amount > 0, 'a transaction amount is a positive safe integer');
  assert(Array.isArray(item.entries), 'a transaction holds its entries');
  return {
    id: String(item.id),
    status: 'posted',
    amount,
    currency: item.currency as TransactionRecord['currency'],
    fromAccountId: String(item.fromAccountId),
    toAccountId: String(item.toAccountId),
    description: typeof item.description === 'string' ? item.description : null,
    createdAt: String(item.createdAt),
    entries: (item.entries as Array<Record<string, unknown>>).map(entryFromItem),
    fromOwnerId: String(item.fromOwnerId),
    toOwnerId: String(item.toOwnerId),
    initiatedBy: item.initiatedBy === undefined ? null : initiatorFromItem(item.initiatedBy as Record<string, unknown>),
  };
}

function initiatorFromItem(item: Record<string, unknown>): Initiator {
  const { role } = item;
  assert(role === 'user' || role === 'admin', 'an initiator\'s role is user or admin');
  const nullable = (value: unknown) => (typeof value === 'string' ? value : null);
  return { userId: String(item.userId), role, requestId: nullable(item.requestId), sourceIp: nullable(item.sourceIp) };
}

function entryFromItem(entry: Record<string, unknown>): EntryRecord {
  const { amount, balanceAfter, direction } = entry;
  assert(typeof amount === 'number' && Number.isSafeInteger(amount) && amount > 0, 'an entry amount is a positive safe integer');
  assert(typeof balanceAfter === 'number' && Number.isSafeInteger(balanceAfter), 'an entry balance is a safe integer');
  assert(direction === 'debit' || direction === 'credit', 'an entry is a debit or a credit');
  return { accountId: String(entry.accountId), direction, amount, balanceAfter };
}
