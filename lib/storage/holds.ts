import { BatchGetCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { assert, LedgerUnavailableError } from '../errors';
import { currencyCodes, type CurrencyCode } from '../ledger/currencies';
import { holdStatuses, type HoldRecord, type HoldStatus, type HoldWrite } from '../ledger/hold-model';
import type { Initiator, Metadata } from '../ledger/model';
import { db } from './client';
import type { TransactItem } from './dynamo-errors';
import { stringOrNull } from './item-fields';
import { expiryPartitions, keys } from './keys';
import { queryNewestFirst } from './newest-first';

/*
 * The hold item (`HOLD#<id>` / `HOLD`) and its copies in its two accounts' lists (`HOLDS#<account>` /
 * `HOLD#<createdAt>#<id>`), written only by the ledger write (`ledger-write.ts`) with the items built here, in the same
 * transaction as the reservation they describe. The hold's item is the guard of its resolution: its condition, not a
 * read, makes a hold resolve once. Its expiry is `holdExpiresAt`, not the table's TTL attribute: nothing deletes it.
 */

/** The fields a hold's item and its copies share. */
function holdFields(record: HoldRecord): Record<string, unknown> {
  const { expiresAt, ...rest } = record;
  return { entity: 'hold', ...rest, holdExpiresAt: expiresAt };
}

/** The items a hold's placement puts: the hold, listed by expiry while pending, and its copy in each account's list. */
export function holdPlacementItems({ record, writeId }: HoldWrite): TransactItem[] {
  const put = (item: Record<string, unknown>): TransactItem => ({
    Put: { TableName: config.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' },
  });
  return [
    put({ ...keys.hold(record.id), ...keys.holdInExpiryList(record.id, record.expiresAt), ...holdFields(record), writeId }),
    ...[record.fromAccountId, record.toAccountId].map((accountId) => put({
      ...keys.holdInAccountList(accountId, record.createdAt, record.id), ...holdFields(record),
    })),
  ];
}

/**
 * The update of a hold's item that resolves it, on condition that it is still pending and (at the write's time) not
 * expired, or, for an expiry, expired. A failed condition is traced to this item and answered from a fresh read.
 */
export function holdResolution({ record, at, writeId }: HoldWrite): TransactItem {
  const expiry = record.status === 'expired' ? 'holdExpiresAt <= :at' : 'holdExpiresAt > :at';
  return {
    Update: {
      TableName: config.tableName,
      Key: keys.hold(record.id),
      UpdateExpression: 'SET #status = :status, capturedAmount = :captured, resolvedAt = :at, transactionId = :txn, writeId = :write '
        + 'REMOVE gsi1pk, gsi1sk',
      ConditionExpression: `#status = :pending AND ${expiry}`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':status': record.status, ':captured': record.capturedAmount, ':at': at, ':txn': record.transactionId, ':write': writeId, ':pending': 'pending',
      },
    },
  };
}

/** The updates of a hold's copies in its accounts' lists, as its resolution leaves it. */
export function holdCopyUpdates({ record, at }: HoldWrite): TransactItem[] {
  return [record.fromAccountId, record.toAccountId].map((accountId) => ({
    Update: {
      TableName: config.tableName,
      Key: keys.holdInAccountList(accountId, record.createdAt, record.id),
      UpdateExpression: 'SET #status = :status, capturedAmount = :captured, resolvedAt = :at, transactionId = :txn',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': record.status, ':captured': record.capturedAmount, ':at': at, ':txn': record.transactionId },
    },
  }));
}

/** Reads a hold, strongly consistent, or `undefined`. */
export async function findHold(holdId: string): Promise<HoldRecord | undefined> {
  const result = await db.send(new GetCommand({ TableName: config.tableName, Key: keys.hold(holdId), ConsistentRead: true }));
  return result.Item ? holdFromItem(result.Item) : undefined;
}

/**
 * Whether the write named `writeId` committed on a hold, from a strongly consistent read of its item. A
 * `BatchGetItem` of one key, as the ledger write reads everything else.
 */
export async function holdWritten(holdId: string, writeId: string): Promise<boolean> {
  const result = await db.send(new BatchGetCommand({
    RequestItems: { [config.tableName]: { Keys: [keys.hold(holdId)], ConsistentRead: true, ProjectionExpression: 'writeId' } },
  }));
  if ((result.UnprocessedKeys?.[config.tableName]?.Keys ?? []).length > 0) throw new LedgerUnavailableError();
  return (result.Responses?.[config.tableName] ?? []).some((item) => item.writeId === writeId);
}

/**
 * One page of an account's holds, newest first, of one status if asked: `after` is the last sort key of the previous
 * page. It reads one hold more than the page, to know whether another page follows.
 */
export async function queryHoldsOfAccount(accountId: string, limit: number, status?: HoldStatus, after?: string) {
  const { items, readTo } = await queryNewestFirst({
    pk: keys.holdsOfAccount(accountId).pk,
    below: after,
    ...(status ? { filter: { expression: '#status = :status', names: { '#status': 'status' }, values: { ':status': status } } } : {}),
    wanted: limit + 1,
    roundLimit: limit + 1,
  });
  const holds = items.map(holdFromItem);
  const more = holds.length > limit || readTo !== null;
  const page = holds.slice(0, limit);
  return { holds: page, nextAfter: more && page.length > 0 ? String(items[page.length - 1]!.sk) : null };
}

/**
 * Pending holds whose expiry is at or before `at`, from one partition of the expiry list (`gsi1`, eventually
 * consistent: a hold resolved a moment ago may still be listed, and its expiry then loses to its item's condition).
 */
export async function queryExpiredHolds(partition: number, at: string, limit: number): Promise<HoldRecord[]> {
  assert(partition >= 0 && partition < expiryPartitions, 'an expiry partition is one of the list\'s');
  const result = await db.send(new QueryCommand({
    TableName: config.tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :at',
    // Every key of the partition is `<expiresAt>#<id>`; one that expired exactly at `at` sorts after `at` alone.
    ExpressionAttributeValues: { ':pk': keys.expiringHolds(partition).gsi1pk, ':at': `${at}#\uffff` },
    Limit: limit,
  }));
  return (result.Items ?? []).map(holdFromItem);
}

const currencies: ReadonlySet<string> = new Set(currencyCodes);
const statuses: ReadonlySet<string> = new Set(holdStatuses);

/** The hold an item (or a copy) holds. A field no write of ours could have stored is a bug in the data. */
export function holdFromItem(item: Record<string, unknown>): HoldRecord {
  const { amount, capturedAmount, currency, status } = item;
  assert(typeof amount === 'number' && Number.isSafeInteger(amount) && amount > 0, 'a hold amount is a positive safe integer');
  assert(typeof capturedAmount === 'number' && Number.isSafeInteger(capturedAmount) && capturedAmount >= 0 && capturedAmount <= amount,
    'a hold captures at most its amount');
  assert(typeof currency === 'string' && currencies.has(currency), 'a hold currency is a known ISO 4217 code');
  assert(typeof status === 'string' && statuses.has(status), 'a hold status is a known one');
  return {
    id: String(item.id),
    status: status as HoldStatus,
    fromAccountId: String(item.fromAccountId),
    toAccountId: String(item.toAccountId),
    fromOwnerId: String(item.fromOwnerId),
    toOwnerId: String(item.toOwnerId),
    amount,
    capturedAmount,
    currency: currency as CurrencyCode,
    description: stringOrNull(item.description),
    metadata: (item.metadata ?? {}) as Metadata,
    createdAt: String(item.createdAt),
    expiresAt: String(item.holdExpiresAt),
    resolvedAt: stringOrNull(item.resolvedAt),
    transactionId: stringOrNull(item.transactionId),
    reservedShard: typeof item.reservedShard === 'number' ? item.reservedShard : 0,
    createdBy: item.createdBy as Initiator,
  };
}
