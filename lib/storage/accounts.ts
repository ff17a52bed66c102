import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { assert, StorageUnavailableError } from '../errors';
import { backoff } from '../ledger/backoff';
import { currencyCodes, type CurrencyCode } from '../ledger/currencies';
import { accountEvent } from '../events/record';
import { accountStatuses, type AccountChange, type AccountRecord, type AccountStatus, type Metadata } from '../ledger/model';
import { batchGetConsistent, db } from './client';
import {
  cancellationReasons, conditionFailed, isUnavailable, retryableCancellation, type TransactItem,
} from './dynamo-errors';
import { eventItems } from './events';
import { stringOrNull } from './item-fields';
import { keys } from './keys';

/*
 * The account item: `ACCOUNT#<id>` / `ACCOUNT`, listed under its owner in `gsi1`; it is also the account's shard 0.
 * A hot account has more balance shards (`SHARD#<id>#<k>` / `SHARD`, k = 1 … shards − 1), each carrying the
 * account's fixed fields so that a write can be planned from one shard alone. Balances and `seq` change only through
 * the ledger write (`ledger-write.ts`), by `balanceUpdate` below.
 */

/**
 * Stores a new account (and its other shards, if it has several) with balance 0 and no entries, and its
 * `account.created` event, in one transaction.
 */
export async function insertAccount(account: AccountRecord): Promise<void> {
  const item = {
    ...keys.account(account.id),
    ...keys.accountInOwnerList(account.ownerId, account.createdAt, account.id),
    entity: 'account',
    ...account,
  };
  // Name and metadata are shard 0's alone (an edit writes one item); every shard carries the status.
  const { name: _name, metadata: _metadata, ...fixed } = account;
  const shards = Array.from({ length: account.shards - 1 }, (_, index) => ({
    ...keys.shard(account.id, index + 1), entity: 'shard', ...fixed, shard: index + 1,
  }));
  const put = (Item: Record<string, unknown>): TransactItem => ({ Put: { TableName: config.tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' } });
  await insertOnce([item, ...shards].map(put).concat(eventItems(accountEvent('account.created', account, account.createdAt))), account.id);
}

/** Sends of one account's items that met a write in flight, throttling or no answer, before it is unavailable. */
const insertSendsMax = 4;

/**
 * Puts new items in one transaction, all or none. Sent again under the same token after a conflict, throttling or a
 * lost answer; a cancellation on every item's condition means an earlier send committed them.
 */
async function insertOnce(items: TransactItem[], token: string): Promise<void> {
  const command = new TransactWriteCommand({ ClientRequestToken: token, TransactItems: items });
  for (let send = 1; ; send += 1) {
    try {
      await db.send(command);
      return;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons && reasons.every((_, index) => conditionFailed(reasons, index))) return;
      if (!(reasons ? retryableCancellation(reasons) : isUnavailable(error))) throw error;
      if (send >= insertSendsMax) throw new StorageUnavailableError();
      await backoff(send);
    }
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

/** Reads of every shard that a sweep overlapped, before the read is answered as unavailable. */
const shardReadsMax = 6;

/**
 * Every shard of a hot account, read strongly consistent in one `BatchGetItem`: what its balance is the sum of, and
 * what a sweep is planned from. Not a `TransactGetItems` snapshot: DynamoDB cancels one while any of its items is being
 * written, which on a hot account is nearly always. The sum includes every transfer answered before the read began
 * (and may include some that land during it). Money moves between a user account's shards only by a sweep, which
 * counts itself on shard 0 (`sweeps`): shard 0's count is read again after the batch, and if a sweep landed in
 * between (its money then seen on two shards, or on none), the whole read is made again. A system account has none.
 */
export async function readShards(account: AccountRecord): Promise<AccountRecord[]> {
  const shardKeys = Array.from({ length: account.shards }, (_, shard) => keys.shard(account.id, shard));
  for (let attempt = 0; ; attempt += 1) {
    const read = await batchGetConsistent(shardKeys, shardReadsMax, () => new StorageUnavailableError());
    const items = new Map(read.map((item) => [Number(item.shard ?? 0), item]));
    const shards = shardKeys.map((_, shard) => items.get(shard));
    assert(shards.every((item) => item !== undefined), 'every shard of an account exists');
    if (account.type === 'system' || await sweepsOf(account.id) === (shards[0]!.sweeps ?? 0)) {
      return shards.map((item) => accountFromItem(item!));
    }
    if (attempt + 1 >= shardReadsMax) throw new StorageUnavailableError();
    await backoff(attempt);
  }
}

/** How many sweeps a hot account's shard 0 has taken, from a strongly consistent read. */
async function sweepsOf(accountId: string): Promise<unknown> {
  const result = await db.send(new GetCommand({
    TableName: config.tableName, Key: keys.account(accountId), ConsistentRead: true, ProjectionExpression: 'sweeps',
  }));
  return result.Item?.sweeps ?? 0;
}

/** Whether an item read by key is a balance shard (the batch read of the ledger write holds other kinds too). */
export function isAccountItem(item: Record<string, unknown>): boolean {
  return item.entity === 'account' || item.entity === 'shard';
}

/**
 * One shard's balance update in a ledger write, guarded by its `seq` as read: every check the ledger made on that
 * read (existence, currency, floor, overflow) then still holds when the write commits. The currency, and for a shard
 * that loses money or reserves it for a hold, its floor, are restated as conditions so that no code path can skip
 * them. The floor is on `balance − pending`, and a condition cannot subtract: `pending` is guarded as read (a hold
 * placed or released moves no `seq`), so the floor is `balance >= pending as read + what the write reserves or takes`.
 */
export function balanceUpdate({ read, deltaMinor, entries, sweeps, debits, pendingDelta }: AccountChange, now: string): TransactItem {
  const guarded = deltaMinor < 0 || pendingDelta > 0;
  // An item written before there were holds has no `pending`: it reserves nothing.
  const pendingAsRead = read.pending === 0 ? '(#pending = :pendingRead OR attribute_not_exists(#pending))' : '#pending = :pendingRead';
  const floor = guarded ? ` AND (#type = :system OR (balance >= :needed AND ${pendingAsRead}))` : '';
  const swept = sweeps > 0 ? ', sweeps = if_not_exists(sweeps, :none) + :sweeps' : '';
  const held = pendingDelta !== 0 ? ', #pending = if_not_exists(#pending, :none) + :pendingDelta' : '';
  // The status as `lib/ledger/status.ts` requires it (an item written before there were statuses is active): a shard
  // that gives money must be active, one that only takes it not closed. A freeze or close that commits between the
  // read and this write fails this condition, and the movement is re-read and refused. A hold's release alone takes
  // no money from anyone and asks nothing of the status: a frozen or closed account's holds still lapse.
  const state = debits > 0 ? '#status = :active' : entries > 0 ? '#status <> :closed' : undefined;
  const status = state ? ` AND (attribute_not_exists(#status) OR ${state})` : '';
  const pendingAfter = read.pending + pendingDelta;
  return {
    Update: {
      TableName: config.tableName,
      Key: keys.shard(read.id, read.shard),
      UpdateExpression: `SET balance = balance + :delta, seq = :nextSeq, updatedAt = :now${swept}${held}`,
      ConditionExpression: `seq = :seq AND currency = :currency${status}${floor}`,
      ExpressionAttributeNames: {
        ...(state ? { '#status': 'status' } : {}), ...(floor ? { '#type': 'type' } : {}), ...(floor || held ? { '#pending': 'pending' } : {}),
      },
      ExpressionAttributeValues: {
        ':delta': deltaMinor, ':seq': read.seq, ':nextSeq': read.seq + entries, ':now': now, ':currency': read.currency,
        ...(state ? (debits > 0 ? { ':active': 'active' } : { ':closed': 'closed' }) : {}),
        ...(floor ? { ':system': 'system', ':needed': pendingAfter - deltaMinor, ':pendingRead': read.pending } : {}),
        ...(swept || held ? { ':none': 0 } : {}),
        ...(swept ? { ':sweeps': sweeps } : {}),
        ...(held ? { ':pendingDelta': pendingDelta } : {}),
      },
    },
  };
}

const currencies: ReadonlySet<string> = new Set(currencyCodes);
const statuses: ReadonlySet<string> = new Set(accountStatuses);

function isMetadata(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    && Object.values(value).every((entry) => typeof entry === 'string');
}

/**
 * The account a shard's item holds (an account item is its shard 0; one written before there were shards has one).
 * A field no write of ours could have stored is a bug in the data, not a default.
 */
export function accountFromItem(item: Record<string, unknown>): AccountRecord {
  const { balance, seq, type, currency, status, metadata } = item;
  const pending = item.pending ?? 0;
  const shards = item.shards ?? 1;
  const shard = item.shard ?? 0;
  assert(typeof balance === 'number' && Number.isSafeInteger(balance), 'an account balance is a safe integer');
  assert(typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0, 'an account seq is a count of entries');
  assert(type === 'user' || type === 'system', 'an account type is user or system');
  assert(typeof currency === 'string' && currencies.has(currency), 'an account currency is a known ISO 4217 code');
  assert(typeof shards === 'number' && Number.isSafeInteger(shards) && shards >= 1, 'an account has one or more shards');
  assert(typeof shard === 'number' && Number.isSafeInteger(shard) && shard >= 0 && shard < shards, 'a shard is one of its account\'s');
  assert(status === undefined || statuses.has(String(status)), 'an account status is active, frozen or closed');
  assert(metadata === undefined || isMetadata(metadata), 'account metadata maps strings to strings');
  assert(typeof pending === 'number' && Number.isSafeInteger(pending) && pending >= 0, 'what holds reserve is a count of minor units');
  return {
    id: String(item.id),
    ownerId: String(item.ownerId),
    type,
    currency: currency as CurrencyCode,
    name: stringOrNull(item.name),
    // Accounts opened before there were statuses and metadata are active, with none.
    status: (status ?? 'active') as AccountStatus,
    metadata: (metadata ?? {}) as Metadata,
    shards,
    shard,
    balance,
    pending,
    seq,
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
}
