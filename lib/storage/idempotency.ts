import { BatchGetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import type { IdempotencyRecord, KeyRef } from '../ledger/model';
import { db } from './client';
import { isConditionFailed, type TransactItem } from './dynamo-errors';
import { keys } from './keys';
import { holdFromItem } from './holds';
import { transactionFromItem } from './transactions';

/*
 * The idempotency item: `IDEMPOTENCY#<caller>#<key>` / `IDEMPOTENCY`, written by the ledger write in the same
 * transaction as the transfer it binds, and removed by DynamoDB's TTL once `expiresAt` passes.
 */

/**
 * Reads the record of a caller's key, or `undefined` if there is none, it has expired, or DynamoDB left the key
 * unprocessed (the caller then tries again). A `BatchGetItem` of one key, because the transfer path reads with that
 * action only: its function's role then needs no `GetItem` at all.
 */
export async function findIdempotencyRecord(ref: KeyRef): Promise<IdempotencyRecord | undefined> {
  const result = await db.send(new BatchGetCommand({
    RequestItems: { [config.tableName]: { Keys: [idempotencyKey(ref)], ConsistentRead: true } },
  }));
  const [item] = result.Responses?.[config.tableName] ?? [];
  return item ? idempotencyFromItem(item) : undefined;
}

/** The key of a caller's idempotency item, for batch reads. */
export function idempotencyKey(ref: KeyRef): { pk: string; sk: string } {
  return keys.idempotency(ref.callerId, ref.key);
}

/** The record's item, written only if the key is free: unbound, or bound by a record that has expired. */
export function idempotencyPut(ref: KeyRef, record: IdempotencyRecord, now: string): TransactItem {
  return {
    Put: {
      TableName: config.tableName,
      Item: {
        ...idempotencyKey(ref), entity: 'idempotency', callerId: ref.callerId, ...record, createdAt: now,
        ...(record.outcome === 'posted' ? { transactionId: record.transaction.id } : {}),
        // Stored as the hold's item is: its expiry under its own name, never the table's TTL attribute.
        ...(record.outcome === 'held' ? { hold: { ...record.hold, expiresAt: undefined, holdExpiresAt: record.hold.expiresAt } } : {}),
      },
      // An expired record no longer binds its key, even before DynamoDB's TTL sweep deletes it.
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :nowEpoch',
      ExpressionAttributeValues: { ':nowEpoch': Math.floor(Date.parse(now) / 1000) },
    },
  };
}

/**
 * An unexpired record, or `undefined`. A posted transfer's record holds its transaction as the transaction item does;
 * a record without an outcome (written before refusals bound keys) is not read, so its key stays taken until it
 * expires, and a request under it answers `ledger_busy` rather than posting twice.
 */
export function idempotencyFromItem(item: Record<string, unknown>): IdempotencyRecord | undefined {
  const expiresAt = Number(item.expiresAt);
  if (expiresAt <= Math.floor(Date.now() / 1000)) return undefined;
  const requestHash = String(item.requestHash);
  if (item.outcome === 'posted') {
    return { requestHash, expiresAt, outcome: 'posted', transaction: transactionFromItem(item.transaction as Record<string, unknown>) };
  }
  if (item.outcome === 'held') return { requestHash, expiresAt, outcome: 'held', hold: holdFromItem(item.hold as Record<string, unknown>) };
  if (item.outcome !== 'refused') return undefined;
  const refusal = item.refusal as Record<string, unknown>;
  return {
    requestHash,
    expiresAt,
    outcome: 'refused',
    refusal: { status: Number(refusal.status), code: String(refusal.code), detail: String(refusal.detail) },
  };
}

/**
 * Binds a refusal to a caller's key, on its own: a refused transfer moves no money, so nothing else is written with
 * it. Returns `false` when the key is already bound (another request under it got there first; read and replay it).
 */
export async function bindRefusal(ref: KeyRef, record: IdempotencyRecord, now: string): Promise<boolean> {
  const { Put } = idempotencyPut(ref, record, now);
  try {
    await db.send(new PutCommand(Put!));
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}
