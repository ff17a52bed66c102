import { BatchGetCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { assert, LedgerUnavailableError, StorageUnavailableError } from '../errors';
import type { CurrencyCode } from '../ledger/currencies';
import {
  reversalsMax, type EntryRecord, type Initiator, type Metadata, type ReversalGuard, type TransactionRecord,
} from '../ledger/model';
import type { EntryPoint, Probe } from '../ledger/seq-search';
import { batchGetConsistent, db } from './client';
import type { TransactItem } from './dynamo-errors';
import { stringOrNull } from './item-fields';
import { entryPrefix, keys } from './keys';

/*
 * The transaction item (`TXN#<id>` / `TXN`) and its entry items, one per leg, each in its shard's partition
 * (`ACCOUNT#<id>` / `ENTRY#<seq>` for shard 0) so that a shard's history is one query. Both are written only by the
 * ledger write (`ledger-write.ts`), with the items built here.
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

/** One line of a shard's history, as a statement reads it: its number on the shard, and its transaction. */
export interface StatementLine {
  seq: number;
  transaction: TransactionRecord;
}

/**
 * Up to `limit` lines of one shard's history, newest first: entries whose sequence number is below `beforeSeq`, down
 * to the first one that `keep` refuses (a statement's `from`). Sequence numbers only grow, so a page boundary stays
 * put while new transactions land. `more` says whether older lines that `keep` takes remain past the last one returned.
 */
export async function queryShardLines(
  accountId: string, shard: number, limit: number, beforeSeq?: number, keep: (line: StatementLine) => boolean = () => true,
) {
  const pk = keys.shard(accountId, shard).pk;
  // Sequence numbers start at 1, so an upper bound of `beforeSeq - 1` (inclusive) never reaches below the prefix.
  const upper = beforeSeq === undefined ? undefined : keys.entry(accountId, beforeSeq - 1, shard).sk;
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
  const read: StatementLine[] = (result.Items ?? []).map((item) => ({
    seq: Number(item.seq),
    transaction: transactionFromItem(item.transaction as Record<string, unknown>),
  }));
  // A shard's entries are in `createdAt` order, so once one is too old for the statement, so is every older one.
  const refused = read.findIndex((line) => !keep(line));
  const kept = refused < 0 ? read : read.slice(0, refused);
  return { lines: kept.slice(0, limit), more: kept.length > limit };
}

/** Reads of entries that DynamoDB left unprocessed, before the read is answered as unavailable. */
const entryReadRoundsMax = 6;

/**
 * Reads entries of an account's shards by number, strongly consistent, in one `BatchGetItem` (at most one entry per
 * shard, so at most 64 keys): each one's `createdAt` and `balanceAfter`, or `undefined` where none is stored. What
 * the binary search over a shard's history reads (lib/ledger/seq-search.ts).
 */
export async function readEntryPoints(accountId: string, probes: readonly Probe[]): Promise<Array<EntryPoint | undefined>> {
  const probeKeys = probes.map(({ shard, seq }) => keys.entry(accountId, seq, shard));
  const items = await batchGetConsistent(probeKeys, entryReadRoundsMax, () => new StorageUnavailableError(), ['createdAt', 'balanceAfter']);
  const byKey = new Map(items.map((item) => [`${String(item.pk)}/${String(item.sk)}`, item]));
  return probeKeys.map((key) => {
    const item = byKey.get(`${key.pk}/${key.sk}`);
    if (!item) return undefined;
    const { createdAt, balanceAfter } = item;
    assert(typeof createdAt === 'string', 'an entry has its time');
    assert(typeof balanceAfter === 'number' && Number.isSafeInteger(balanceAfter), 'an entry balance is a safe integer');
    return { createdAt, balanceAfter };
  });
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

/** The item behind one line of a shard's history, numbered `seq` on it; it carries the whole transaction. */
export function entryPut(txn: TransactionRecord, entry: EntryRecord, seq: number): TransactItem {
  return {
    Put: {
      TableName: config.tableName,
      Item: {
        ...keys.entry(entry.accountId, seq, entry.shard ?? 0),
        entity: 'entry',
        accountId: entry.accountId,
        ...(entry.shard === null ? {} : { shard: entry.shard }),
        seq,
        transactionId: txn.id,
        direction: entry.direction,
        amount: entry.amount,
        balanceAfter: entry.balanceAfter,
        currency: entry.currency,
        createdAt: txn.createdAt,
        transaction: txn,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/**
 * What a reversal's write does to the transaction it reverses (`ReversalGuard`): adds its amount and id, on condition
 * that the reversals stay within the original and their list within `reversalsMax`. A failed condition is traced to
 * this item by the ledger write and answered `reversal_exceeds_original`.
 */
export function reversalUpdate(guard: ReversalGuard, reversalId: string): TransactItem {
  return {
    Update: {
      TableName: config.tableName,
      Key: keys.transaction(guard.transactionId),
      UpdateExpression: 'SET reversedAmount = if_not_exists(reversedAmount, :zero) + :amount, '
        + 'reversalIds = list_append(if_not_exists(reversalIds, :none), :id)',
      ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(reversedAmount) OR '
        + '(reversedAmount <= :room AND size(reversalIds) < :listMax))',
      ExpressionAttributeValues: {
        ':zero': 0, ':none': [], ':amount': guard.amount, ':id': [reversalId],
        ':room': guard.originalAmount - guard.amount, ':listMax': reversalsMax,
      },
    },
  };
}

/**
 * The transaction an item holds. An amount that is not a positive safe integer is a bug in the data. Items written
 * before multi-entry transactions name the owners of their two sides instead of each entry's, and hold no metadata
 * or reversals.
 */
export function transactionFromItem(item: Record<string, unknown>): TransactionRecord {
  const amount = item.amount;
  assert(typeof amount === 'number' && Number.isSafeInteger(amount) && amount > 0, 'a transaction amount is a positive safe integer');
  assert(Array.isArray(item.entries), 'a transaction holds its entries');
  const kind = item.kind ?? 'transfer';
  assert(kind === 'transfer' || kind === 'transaction' || kind === 'reversal' || kind === 'capture' || kind === 'sweep', 'a transaction is of a known kind');
  const reversedAmount = item.reversedAmount ?? 0;
  assert(typeof reversedAmount === 'number' && Number.isSafeInteger(reversedAmount) && reversedAmount >= 0, 'a reversed amount is a safe integer');
  const legacyOwner = (accountId: string) => String(accountId === item.fromAccountId ? item.fromOwnerId : item.toOwnerId);
  const legacyCurrency = item.currency as CurrencyCode | null;
  return {
    id: String(item.id),
    kind,
    status: 'posted',
    amount,
    currency: (item.currency ?? null) as CurrencyCode | null,
    fromAccountId: stringOrNull(item.fromAccountId),
    toAccountId: stringOrNull(item.toAccountId),
    description: stringOrNull(item.description),
    metadata: (item.metadata ?? {}) as Metadata,
    createdAt: String(item.createdAt),
    entries: (item.entries as Array<Record<string, unknown>>).map((entry) => entryFromItem(entry, legacyOwner, legacyCurrency)),
    reverses: stringOrNull(item.reverses),
    holdId: stringOrNull(item.holdId),
    reversedAmount,
    reversalIds: Array.isArray(item.reversalIds) ? item.reversalIds.map(String) : [],
    initiatedBy: item.initiatedBy === undefined ? null : initiatorFromItem(item.initiatedBy as Record<string, unknown>),
  };
}

function initiatorFromItem(item: Record<string, unknown>): Initiator {
  const { role } = item;
  assert(role === 'user' || role === 'admin', 'an initiator\'s role is user or admin');
  return { userId: String(item.userId), role, requestId: stringOrNull(item.requestId), sourceIp: stringOrNull(item.sourceIp) };
}

function entryFromItem(
  entry: Record<string, unknown>,
  legacyOwner: (accountId: string) => string,
  legacyCurrency: CurrencyCode | null,
): EntryRecord {
  const { amount, balanceAfter, direction } = entry;
  const shard = entry.shard ?? null;
  const currency = entry.currency ?? legacyCurrency;
  assert(typeof amount === 'number' && Number.isSafeInteger(amount) && amount > 0, 'an entry amount is a positive safe integer');
  assert(typeof balanceAfter === 'number' && Number.isSafeInteger(balanceAfter), 'an entry balance is a safe integer');
  assert(direction === 'debit' || direction === 'credit', 'an entry is a debit or a credit');
  assert(shard === null || (typeof shard === 'number' && Number.isSafeInteger(shard) && shard >= 0), 'an entry names its shard, if any');
  assert(typeof currency === 'string', 'an entry has a currency');
  const accountId = String(entry.accountId);
  const ownerId = typeof entry.ownerId === 'string' ? entry.ownerId : legacyOwner(accountId);
  return { accountId, direction, amount, currency: currency as CurrencyCode, balanceAfter, shard, ownerId };
}
