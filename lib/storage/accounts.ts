import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { assert } from '../errors';
import { currencyCodes, type CurrencyCode } from '../ledger/currencies';
import type { AccountChange, AccountRecord } from '../ledger/model';
import { db } from './client';
import { isConditionFailed, type TransactItem } from './dynamo-errors';
import { keys } from './keys';

/*
 * The account item: `ACCOUNT#<id>` / `ACCOUNT`, listed under its owner in `gsi1`. Its `balance` and `seq` change only
 * through the ledger write (`ledger-write.ts`), by `balanceUpdate` below.
 */

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
    if (isConditionFailed(error)) return;
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
  return result.Item ? accountFromItem(result.Item) : undefined;
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
    accounts: page.map(accountFromItem),
    nextAfter: items.length > limit && last ? String(last.gsi1sk) : null,
  };
}

/** Whether an item read by key is an account item (the batch read of the ledger write holds other kinds too). */
export function isAccountItem(item: Record<string, unknown>): boolean {
  return item.sk === keys.account('').sk;
}

/**
 * One account's balance update in a ledger write, guarded by its `seq` as read: every check the ledger made on that
 * read (existence, currency, floor, overflow) then still holds when the write commits. The currency, and for an
 * account that loses money its floor, are restated as conditions so that no code path can skip them.
 */
export function balanceUpdate({ read, deltaMinor, entries }: AccountChange, now: string): TransactItem {
  const floor = deltaMinor < 0 ? ' AND (#type = :system OR balance >= :needed)' : '';
  return {
    Update: {
      TableName: config.tableName,
      Key: keys.account(read.id),
      UpdateExpression: 'SET balance = balance + :delta, seq = :nextSeq, updatedAt = :now',
      ConditionExpression: `seq = :seq AND currency = :currency${floor}`,
      ...(floor ? { ExpressionAttributeNames: { '#type': 'type' } } : {}),
      ExpressionAttributeValues: {
        ':delta': deltaMinor, ':seq': read.seq, ':nextSeq': read.seq + entries, ':now': now, ':currency': read.currency,
        ...(floor ? { ':system': 'system', ':needed': -deltaMinor } : {}),
      },
    },
  };
}

const currencies: ReadonlySet<string> = new Set(currencyCodes);

/** The account an item holds. A field no write of ours could have stored is a bug in the data, not a default. */
export function accountFromItem(item: Record<string, unknown>): AccountRecord {
  const { balance, seq, type, currency } = item;
  assert(typeof balance === 'number' && Number.isSafeInteger(balance), 'an account balance is a safe integer');
  assert(typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0, 'an account seq is a count of entries');
  assert(type === 'user' || type === 'system', 'an account type is user or system');
  assert(typeof currency === 'string' && currencies.has(currency), 'an account currency is a known ISO 4217 code');
  return {
    id: String(item.id),
    ownerId: String(item.ownerId),
    type,
    currency: currency as CurrencyCode,
    name: typeof item.name === 'string' ? item.name : null,
    balance,
    seq,
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
}
