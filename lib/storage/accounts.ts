import { GetCommand, PutCommand, QueryCommand, TransactGetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { assert, StorageUnavailableError } from '../errors';
import { backoff } from '../ledger/backoff';
import { currencyCodes, type CurrencyCode } from '../ledger/currencies';
import type { AccountChange, AccountRecord } from '../ledger/model';
import { db } from './client';
import { cancellationReasons, conditionFailed, isConditionFailed, retryableCancellation, type TransactItem } from './dynamo-errors';
import { keys } from './keys';

/*
 * The account item: `ACCOUNT#<id>` / `ACCOUNT`, listed under its owner in `gsi1`; it is also the account's shard 0.
 * A hot account has more balance shards (`SHARD#<id>#<k>` / `SHARD`, k = 1 … shards − 1), each carrying the
 * account's fixed fields so that a write can be planned from one shard alone. Balances and `seq` change only through
 * the ledger write (`ledger-write.ts`), by `balanceUpdate` below.
 */

/** Stores a new account (and its other shards, if it has several) with balance 0 and no entries. */
export async function insertAccount(account: AccountRecord): Promise<void> {
  const item = {
    ...keys.account(account.id),
    ...keys.accountInOwnerList(account.ownerId, account.createdAt, account.id),
    entity: 'account',
    ...account,
  };
  try {
    if (account.shards === 1) {
      await db.send(new PutCommand({ TableName: config.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      return;
    }
    const shards = Array.from({ length: account.shards - 1 }, (_, index) => ({
      ...keys.shard(account.id, index + 1), entity: 'shard', ...account, shard: index + 1,
    }));
    await db.send(new TransactWriteCommand({
      ClientRequestToken: account.id,
      TransactItems: [item, ...shards].map((Item) => ({
        Put: { TableName: config.tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' },
      })),
    }));
  } catch (error) {
    // The id is a fresh random UUID, so an item already under it can only be this very account: an earlier send whose
    // answer was lost committed, and the SDK's retry then met its own write. The account exists as asked.
    if (isConditionFailed(error)) return;
    const reasons = cancellationReasons(error);
    if (reasons && reasons.every((_, index) => conditionFailed(reasons, index))) return;
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

/** Reads of one snapshot cancelled by writes in flight, before the read is answered as unavailable. */
const snapshotAttemptsMax = 4;

/**
 * Every shard of an account, read as one snapshot (`TransactGetItems`): what its balance is the sum of, and what a
 * sweep is planned from. Shard 0 is `account`'s own item, read again inside the snapshot.
 */
export async function readShards(account: AccountRecord): Promise<AccountRecord[]> {
  const command = new TransactGetCommand({
    TransactItems: Array.from({ length: account.shards }, (_, shard) => ({
      Get: { TableName: config.tableName, Key: keys.shard(account.id, shard) },
    })),
  });
  let result;
  for (let attempt = 0; result === undefined; attempt += 1) {
    try {
      result = await db.send(command);
    } catch (error) {
      // A snapshot read is cancelled while a write to one of its items is in flight: read again, a few times.
      const reasons = cancellationReasons(error);
      if (!reasons || !retryableCancellation(reasons)) throw error;
      if (attempt + 1 >= snapshotAttemptsMax) throw new StorageUnavailableError();
      await backoff(attempt);
    }
  }
  const shards = (result.Responses ?? []).map((response) => response.Item);
  assert(shards.every((item) => item !== undefined), 'every shard of an account exists');
  return shards.map((item) => accountFromItem(item!));
}

/** Whether an item read by key is a balance shard (the batch read of the ledger write holds other kinds too). */
export function isAccountItem(item: Record<string, unknown>): boolean {
  return item.entity === 'account' || item.entity === 'shard';
}

/**
 * One shard's balance update in a ledger write, guarded by its `seq` as read: every check the ledger made on that
 * read (existence, currency, floor, overflow) then still holds when the write commits. The currency, and for a shard
 * that loses money its floor, are restated as conditions so that no code path can skip them.
 */
export function balanceUpdate({ read, deltaMinor, entries }: AccountChange, now: string): TransactItem {
  const floor = deltaMinor < 0 ? ' AND (#type = :system OR balance >= :needed)' : '';
  return {
    Update: {
      TableName: config.tableName,
      Key: keys.shard(read.id, read.shard),
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

/**
 * The account a shard's item holds (an account item is its shard 0; one written before there were shards has one).
 * A field no write of ours could have stored is a bug in the data, not a default.
 */
export function accountFromItem(item: Record<string, unknown>): AccountRecord {
  const { balance, seq, type, currency } = item;
  const shards = item.shards ?? 1;
  const shard = item.shard ?? 0;
  assert(typeof balance === 'number' && Number.isSafeInteger(balance), 'an account balance is a safe integer');
  assert(typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0, 'an account seq is a count of entries');
  assert(type === 'user' || type === 'system', 'an account type is user or system');
  assert(typeof currency === 'string' && currencies.has(currency), 'an account currency is a known ISO 4217 code');
  assert(typeof shards === 'number' && Number.isSafeInteger(shards) && shards >= 1, 'an account has one or more shards');
  assert(typeof shard === 'number' && Number.isSafeInteger(shard) && shard >= 0 && shard < shards, 'a shard is one of its account\'s');
  return {
    id: String(item.id),
    ownerId: String(item.ownerId),
    type,
    currency: currency as CurrencyCode,
    name: typeof item.name === 'string' ? item.name : null,
    shards,
    shard,
    balance,
    seq,
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
}
