import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import type { AccountView, TransactionView } from '../ledger/schemas';
import { db } from './client';
import { entryPrefix, keys } from './keys';

/** An account as stored: its view plus the owner-index keys and `seq`, the number of entries posted to it. */
export interface AccountRecord extends AccountView {
  seq: number;
}

/** A transaction as stored: its view plus the owners of both sides, so reads can be authorized without more I/O. */
export interface TransactionRecord extends TransactionView {
  fromOwnerId: string;
  toOwnerId: string;
}

/** Stores a new account with balance 0 and no entries. */
export async function insertAccount(account: AccountRecord): Promise<void> {
  try {
    await db.send(new PutCommand({
      TableName: config.tableName,
      Item: {
        ...keys.account(account.id),
        ...keys.accountInOwnerList(account.ownerId, account.createdAt, account.id),
        entity: 'account',
        ...account,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }));
  } catch (error) {
    // The id is a fresh random UUID, so an item already under it can only be this very account: an earlier send whose
    // answer was lost committed, and the SDK's retry then met its own write. The account exists as asked.
    if (error instanceof ConditionalCheckFailedException) return;
    throw error;
  }
}

/** Reads an account, strongly consistent, or `undefined`. */
export async function findAccount(accountId: string): Promise<AccountRecord | undefined> {
  const result = await db.send(new GetCommand({
    TableName: config.tableName,
    Key: keys.account(accountId),
    ConsistentRead: true,
  }));
  return result.Item ? toAccount(result.Item) : undefined;
}

/** One page of an owner's accounts, oldest first. `after` is the last `gsi1sk` of the previous page. */
export async function queryAccountsOfOwner(ownerId: string, limit: number, after?: string) {
  const result = await db.send(new QueryCommand({
    TableName: config.tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: after ? 'gsi1pk = :pk AND gsi1sk > :after' : 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.accountsOfOwner(ownerId).gsi1pk, ...(after ? { ':after': after } : {}) },
    Limit: limit + 1,
  }));
  const items = result.Items ?? [];
  const page = items.slice(0, limit);
  const last = page.at(-1);
  return {
    accounts: page.map(toAccount),
    nextAfter: items.length > limit && last ? String(last.gsi1sk) : null,
  };
}

/** Reads a transaction, or `undefined`. */
export async function findTransaction(transactionId: string): Promise<TransactionRecord | undefined> {
  const result = await db.send(new GetCommand({
    TableName: config.tableName,
    Key: keys.transaction(transactionId),
    ConsistentRead: true,
  }));
  return result.Item ? toTransaction(result.Item) : undefined;
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
    transactions: page.map((item) => toTransaction(item.transaction as Record<string, unknown>)),
    nextBeforeSeq: items.length > limit && last ? Number(last.seq) : null,
  };
}

export function toAccount(item: Record<string, unknown>): AccountRecord {
  return {
    id: String(item.id),
    ownerId: String(item.ownerId),
    type: item.type === 'system' ? 'system' : 'user',
    currency: item.currency as AccountRecord['currency'],
    name: typeof item.name === 'string' ? item.name : null,
    balance: Number(item.balance),
    seq: Number(item.seq),
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
}

export function toTransaction(item: Record<string, unknown>): TransactionRecord {
  const entries = item.entries as TransactionRecord['entries'];
  return {
    id: String(item.id),
    status: 'posted',
    amount: Number(item.amount),
    currency: item.currency as TransactionRecord['currency'],
    fromAccountId: String(item.fromAccountId),
    toAccountId: String(item.toAccountId),
    description: typeof item.description === 'string' ? item.description : null,
    createdAt: String(item.createdAt),
    entries: entries.map((entry) => ({
      accountId: entry.accountId,
      direction: entry.direction,
      amount: Number(entry.amount),
      balanceAfter: Number(entry.balanceAfter),
    })),
    fromOwnerId: String(item.fromOwnerId),
    toOwnerId: String(item.toOwnerId),
  };
}
