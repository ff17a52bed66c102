import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { assert } from '../errors';
import type { AttemptRecord, DeliveryRecord } from '../webhooks/model';
import { db } from './client';
import { cancellationReasons, isConditionFailed } from './dynamo-errors';
import { stringOrNull } from './item-fields';
import { retainedUntil } from './events';
import { duePartitions, keys } from './keys';
import { queryNewestFirst } from './newest-first';

/*
 * The webhook delivery (`DELIVERY#<id>` / `DELIVERY`, listed in `gsi1` by when it is due while pending) and its
 * attempts (`WEBHOOK_ATTEMPTS#<endpoint>` / `<time>#<delivery>#<n>`, which `GET …/deliveries` reads). A delivery's
 * id is derived from its event and endpoint, so enqueueing one event twice puts nothing the second time. Each
 * attempt is first claimed (the delivery's next attempt moved a lease ahead, on condition that nothing else took it),
 * then recorded with the delivery's new state in one transaction, on condition that the attempt count is still the
 * one claimed: two job runs that meet on a delivery record one attempt, and one that dies mid-attempt leaves the
 * delivery due again once its lease has passed.
 *
 * A delivery that is settled (delivered, failed or cancelled) and its attempts are kept as long as events are, then the
 * table's TTL removes them: by then its event is gone too, so nothing can enqueue it again.
 */

/** Stores a new delivery, due at once; `false` when one with this id was already stored. */
export async function putDelivery(record: DeliveryRecord): Promise<boolean> {
  assert(record.status === 'pending' && record.nextAttemptAt !== null, 'a new delivery is pending and due');
  try {
    await db.send(new PutCommand({
      TableName: config.tableName,
      Item: { ...keys.webhookDelivery(record.id), ...keys.deliveryInDueList(record.id, record.nextAttemptAt), entity: 'webhookDelivery', ...record },
      ConditionExpression: 'attribute_not_exists(pk)',
    }));
    return true;
  } catch (error) {
    // The outbox's publisher runs at least once per event: this event already reached this endpoint's queue.
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Reads a delivery, strongly consistent, or `undefined`. */
export async function findDelivery(deliveryId: string): Promise<DeliveryRecord | undefined> {
  const result = await db.send(new GetCommand({ TableName: config.tableName, Key: keys.webhookDelivery(deliveryId), ConsistentRead: true }));
  return result.Item ? deliveryFromItem(result.Item) : undefined;
}

/**
 * Pending deliveries due at or before `at`, from one partition of the due list (`gsi1`, eventually consistent: one
 * claimed a moment ago may still be listed, and its claim then fails).
 */
export async function queryDueDeliveries(partition: number, at: string, limit: number): Promise<DeliveryRecord[]> {
  assert(partition >= 0 && partition < duePartitions, 'a due partition is one of the list\'s');
  const result = await db.send(new QueryCommand({
    TableName: config.tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :at',
    ExpressionAttributeValues: { ':pk': keys.dueDeliveries(partition).gsi1pk, ':at': `${at}#\uffff` },
    Limit: limit,
  }));
  return (result.Items ?? []).map(deliveryFromItem);
}

/**
 * Claims a delivery's next attempt: moves it `leaseUntil` ahead in the due list, on condition that it is still
 * pending, due at `at`, and has made the attempts it had when it was listed. `false` when another run claimed it.
 */
export async function claimDelivery(delivery: DeliveryRecord, at: string, leaseUntil: string): Promise<boolean> {
  try {
    await db.send(new UpdateCommand({
      TableName: config.tableName,
      Key: keys.webhookDelivery(delivery.id),
      UpdateExpression: 'SET nextAttemptAt = :lease, gsi1sk = :sk',
      ConditionExpression: '#status = :pending AND attempts = :attempts AND nextAttemptAt <= :at',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':lease': leaseUntil, ':sk': keys.deliveryInDueList(delivery.id, leaseUntil).gsi1sk, ':pending': 'pending', ':attempts': delivery.attempts, ':at': at,
      },
    }));
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/**
 * Records an attempt and the delivery's state after it: still pending (due at `attempt.nextAttemptAt`), delivered or
 * failed (out of the due list). `false` when another run recorded this attempt first.
 */
export async function recordAttempt(delivery: DeliveryRecord, attempt: AttemptRecord): Promise<boolean> {
  const status = attempt.outcome === 'retrying' ? 'pending' : attempt.outcome;
  assert(attempt.attempt === delivery.attempts + 1, 'an attempt follows the ones the delivery made');
  assert((status === 'pending') === (attempt.nextAttemptAt !== null), 'only a pending delivery has a next attempt');
  const due = attempt.nextAttemptAt === null ? undefined : keys.deliveryInDueList(delivery.id, attempt.nextAttemptAt);
  try {
    await db.send(new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: config.tableName,
            Item: {
              ...keys.webhookAttempt(attempt.endpointId, attempt.attemptedAt, attempt.deliveryId, attempt.attempt), entity: 'webhookAttempt', ...attempt,
              expiresAt: retainedUntil(attempt.attemptedAt),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Update: {
            TableName: config.tableName,
            Key: keys.webhookDelivery(delivery.id),
            UpdateExpression: `SET #status = :status, attempts = :next, firstAttemptAt = :first, nextAttemptAt = :due${
              due ? ', gsi1sk = :sk' : ', expiresAt = :expires REMOVE gsi1pk, gsi1sk'}`,
            ConditionExpression: '#status = :pending AND attempts = :attempts',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':status': status, ':next': attempt.attempt, ':first': delivery.firstAttemptAt ?? attempt.attemptedAt, ':due': attempt.nextAttemptAt, ':pending': 'pending',
              ':attempts': delivery.attempts, ...(due ? { ':sk': due.gsi1sk } : { ':expires': retainedUntil(attempt.attemptedAt) }),
            },
          },
        },
      ],
    }));
    return true;
  } catch (error) {
    if (cancellationReasons(error)?.includes('ConditionalCheckFailed')) return false;
    throw error;
  }
}

/** Takes a delivery whose endpoint was deleted out of the due list, as `cancelled`, attempting nothing. */
export async function cancelDelivery(delivery: DeliveryRecord): Promise<void> {
  try {
    await db.send(new UpdateCommand({
      TableName: config.tableName,
      Key: keys.webhookDelivery(delivery.id),
      UpdateExpression: 'SET #status = :cancelled, nextAttemptAt = :none, expiresAt = :expires REMOVE gsi1pk, gsi1sk',
      ConditionExpression: '#status = :pending',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':cancelled': 'cancelled', ':pending': 'pending', ':none': null, ':expires': retainedUntil(new Date().toISOString()) },
    }));
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

/** One page of an endpoint's attempts, newest first; `after` is the last sort key of the previous page. */
export async function queryAttempts(endpointId: string, limit: number, after?: string) {
  const { items, readTo } = await queryNewestFirst({ pk: keys.webhookAttempts(endpointId).pk, below: after, wanted: limit });
  return {
    attempts: items.map(attemptFromItem),
    nextAfter: readTo !== null && items.length > 0 ? String(items[items.length - 1]!.sk) : null,
  };
}

/** The delivery an item holds. */
export function deliveryFromItem(item: Record<string, unknown>): DeliveryRecord {
  assert(typeof item.attempts === 'number' && Number.isSafeInteger(item.attempts) && item.attempts >= 0, 'a delivery counts its attempts');
  assert(typeof item.body === 'string', 'a delivery holds its body');
  return {
    id: String(item.id),
    endpointId: String(item.endpointId),
    eventId: String(item.eventId),
    eventType: item.eventType as DeliveryRecord['eventType'],
    body: item.body,
    status: item.status as DeliveryRecord['status'],
    attempts: item.attempts,
    createdAt: String(item.createdAt),
    firstAttemptAt: stringOrNull(item.firstAttemptAt),
    nextAttemptAt: stringOrNull(item.nextAttemptAt),
  };
}

/** The attempt an item holds. */
function attemptFromItem(item: Record<string, unknown>): AttemptRecord {
  assert(item.outcome === 'delivered' || item.outcome === 'retrying' || item.outcome === 'failed', 'an attempt outcome is a known one');
  return {
    deliveryId: String(item.deliveryId),
    endpointId: String(item.endpointId),
    eventId: String(item.eventId),
    eventType: item.eventType as AttemptRecord['eventType'],
    attempt: Number(item.attempt),
    attemptedAt: String(item.attemptedAt),
    statusCode: typeof item.statusCode === 'number' ? item.statusCode : null,
    outcome: item.outcome,
    error: (item.error ?? null) as AttemptRecord['error'],
    durationMs: Number(item.durationMs),
    nextAttemptAt: stringOrNull(item.nextAttemptAt),
  };
}
