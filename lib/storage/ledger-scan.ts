import { GetItemCommand, paginateQuery, paginateScan, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { config } from '../config';
import type { ScannedItem } from '../ledger/scanned';
import { rawDb } from './client';
import { keys } from './keys';

/**
 * Whole-table reads for reconciliation. Items are read raw (not through the document client's unmarshalling) so that
 * a corrupted number, even one past 2^53, reaches the checks as data instead of failing the read; every amount comes
 * back as a `bigint` so sums of many balances stay exact.
 */

/** A parallel scan splits the table this many ways; DynamoDB allows up to a million, four keeps a laptop responsive. */
const scanSegmentsDefault = 4;
const scanSegmentsMax = 64;
const scanPageItems = 200;

/** Reads every item of the table once, strongly consistent, and hands each to `onItem`. Returns how many it read. */
export async function scanLedger(
  onItem: (item: ScannedItem) => void,
  options: { segments?: number } = {},
): Promise<number> {
  const segments = Math.min(Math.max(options.segments ?? scanSegmentsDefault, 1), scanSegmentsMax);
  const counts = await Promise.all(Array.from({ length: segments }, async (_, segment) => {
    let count = 0;
    // Pages of `scanPageItems`, not DynamoDB's 1 MB: each page is then answered well within the client's request
    // timeout, even by a DynamoDB Local on a busy laptop, now that events carry whole transactions.
    const input = { TableName: config.tableName, ConsistentRead: true, Segment: segment, TotalSegments: segments, Limit: scanPageItems };
    for await (const page of paginateScan({ client: rawDb }, input)) {
      for (const raw of page.Items ?? []) onItem(toScannedItem(raw));
      count += page.Items?.length ?? 0;
    }
    return count;
  }));
  return counts.reduce((sum, count) => sum + count, 0);
}

/**
 * Reads a set of accounts: each shard's partition (the shard and all its entries) and every transaction those
 * entries name. Meant for a closed set of accounts, where every transfer stays inside the set; tests use it to
 * reconcile their own accounts in a table that other tests share.
 */
export async function readAccounts(accountIds: Iterable<string>, onItem: (item: ScannedItem) => void): Promise<number> {
  let count = 0;
  const transactionIds = new Set<string>();
  const readPartition = async (pk: string): Promise<ScannedItem[]> => {
    const items: ScannedItem[] = [];
    const input = { TableName: config.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: pk } }, ConsistentRead: true };
    for await (const page of paginateQuery({ client: rawDb }, input)) items.push(...(page.Items ?? []).map(toScannedItem));
    return items;
  };
  const holdIds = new Set<string>();
  for (const accountId of accountIds) {
    const copies = await readPartition(keys.holdsOfAccount(accountId).pk);
    for (const copy of copies) if (copy.entity === 'hold' && copy.id) holdIds.add(copy.id);
    copies.forEach(onItem);
    count += copies.length;
    const items = await readPartition(keys.account(accountId).pk);
    const account = items.find((item) => item.entity === 'account');
    const shards = account?.entity === 'account' ? Number(account.shards ?? 1n) : 1;
    for (let shard = 1; shard < shards; shard += 1) items.push(...await readPartition(keys.shard(accountId, shard).pk));
    for (const item of items) {
      if (item.entity === 'entry' && item.transactionId) transactionIds.add(item.transactionId);
      onItem(item);
    }
    count += items.length;
  }
  for (const { pk, sk } of [...[...transactionIds].map(keys.transaction), ...[...holdIds].map(keys.hold)]) {
    const result = await rawDb.send(new GetItemCommand({
      TableName: config.tableName,
      Key: { pk: { S: pk }, sk: { S: sk } },
      ConsistentRead: true,
    }));
    if (result.Item) {
      onItem(toScannedItem(result.Item));
      count += 1;
    }
  }
  return count;
}

/** The entities the table holds besides the ledger's: identity's, and the webhooks'. */
export const nonLedgerEntities: ReadonlySet<string> = new Set([
  'user', 'email', 'session', 'refresh_token', 'loginFailures',
  'webhookEndpoint', 'webhookRoute', 'webhookEndpointCount', 'webhookDelivery', 'webhookAttempt',
]);

/** Turns a raw item into what the reconciler checks, by its `entity` attribute. */
export function toScannedItem(raw: Record<string, AttributeValue>): ScannedItem {
  const pk = raw.pk?.S ?? '';
  const sk = raw.sk?.S ?? '';
  const key = `${pk}/${sk}`;
  // An owner's endpoint count written before it named its entity is known by its key.
  const kind = raw.entity?.S ?? (pk.startsWith('WEBHOOK_COUNT#') ? 'webhookEndpointCount' : undefined);
  if (kind === 'account' || kind === 'shard') {
    return {
      entity: 'account', key, ...shardOfKey(pk), type: raw.type?.S, currency: raw.currency?.S,
      balance: integer(raw.balance), pending: raw.pending === undefined ? 0n : integer(raw.pending), seq: integer(raw.seq), shards: raw.shards === undefined ? 1n : integer(raw.shards),
      status: raw.status === undefined ? 'active' : raw.status.S,
      updatedAt: raw.updatedAt?.S,
    };
  }
  if (kind === 'entry') {
    const { id: accountId, shard } = shardOfKey(pk);
    return {
      entity: 'entry', key, accountId, shard,
      seq: /^ENTRY#\d{16}$/.test(sk) ? BigInt(sk.slice(6)) : undefined,
      transactionId: raw.transactionId?.S, direction: raw.direction?.S, amount: integer(raw.amount),
      balanceAfter: integer(raw.balanceAfter), currency: raw.currency?.S, createdAt: raw.createdAt?.S,
    };
  }
  if (kind === 'transaction') {
    return {
      entity: 'transaction', key, id: pk.replace(/^TXN#/, ''), kind: raw.kind?.S ?? 'transfer', amount: integer(raw.amount),
      entries: (raw.entries?.L ?? []).map((value) => ({
        accountId: value.M?.accountId?.S, direction: value.M?.direction?.S, amount: integer(value.M?.amount),
        // Entries written before multi-entry transactions hold no currency of their own: the transaction's.
        currency: value.M?.currency?.S ?? raw.currency?.S,
        shard: value.M?.shard === undefined || value.M.shard.NULL ? null : Number(integer(value.M.shard) ?? NaN),
      })),
      reverses: raw.reverses?.S,
      reversedAmount: raw.reversedAmount === undefined ? 0n : integer(raw.reversedAmount),
      reversalIds: (raw.reversalIds?.L ?? []).map((value) => value.S ?? ''),
      holdId: raw.holdId?.S,
      createdAt: raw.createdAt?.S,
    };
  }
  if (kind === 'event' || kind === 'event_copy') {
    const subject = raw.subject?.M;
    return {
      entity: 'event', key, copy: kind === 'event_copy', id: raw.id?.S ?? '', type: raw.type?.S,
      transactionId: subject?.kind?.S === 'transaction' ? subject.transaction?.M?.id?.S : undefined, owners: raw.ownerIds?.L?.length ?? 0,
      expired: Number(raw.expiresAt?.N ?? 0) <= Math.floor(Date.now() / 1000),
    };
  }
  if (kind === 'hold') {
    return {
      entity: 'hold', key, copy: !pk.startsWith('HOLD#'), id: raw.id?.S, status: raw.status?.S, fromAccountId: raw.fromAccountId?.S,
      toAccountId: raw.toAccountId?.S, amount: integer(raw.amount), capturedAmount: integer(raw.capturedAmount), transactionId: raw.transactionId?.S,
      reservedShard: Number(integer(raw.reservedShard) ?? 0n),
    };
  }
  if (kind === 'idempotency') return { entity: 'idempotency', key, outcome: raw.outcome?.S, transactionId: raw.transactionId?.S };
  return { entity: 'other', key, kind };
}

/** The account and shard a partition key names: `ACCOUNT#<id>` is shard 0, `SHARD#<id>#<k>` shard k. */
function shardOfKey(pk: string): { id: string; shard: number } {
  const sharded = /^SHARD#(.+)#(\d{1,2})$/.exec(pk);
  return sharded ? { id: sharded[1]!, shard: Number(sharded[2]) } : { id: pk.replace(/^ACCOUNT#/, ''), shard: 0 };
}

/** A DynamoDB number that is an integer, exactly, or `undefined` for anything else. */
function integer(value: AttributeValue | undefined): bigint | undefined {
  const text = value?.N;
  return text !== undefined && /^-?\d{1,38}$/.test(text) ? BigInt(text) : undefined;
}
