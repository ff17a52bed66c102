import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import type { IdempotencyRecord, KeyRef } from '../ledger/model';
import { db } from './client';
import type { TransactItem } from './dynamo-errors';
import { keys } from './keys';

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
      Item: { ...idempotencyKey(ref), entity: 'idempotency', callerId: ref.callerId, ...record, createdAt: now },
      // An expired record no longer binds its key, even before DynamoDB's TTL sweep deletes it.
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :nowEpoch',
      ExpressionAttributeValues: { ':nowEpoch': Math.floor(Date.parse(now) / 1000) },
    },
  };
}

/** An unexpired record, or `undefined`. */
export function idempotencyFromItem(item: Record<string, unknown>): IdempotencyRecord | undefined {
  if (Number(item.expiresAt) <= Math.floor(Date.now() / 1000)) return undefined;
  return {
    requestHash: String(item.requestHash),
    transactionId: String(item.transactionId),
    response: String(item.response),
    expiresAt: Number(item.expiresAt),
  };
}
