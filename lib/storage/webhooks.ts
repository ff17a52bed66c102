import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { assert, StorageUnavailableError, WebhookEndpointLimitError, WebhookEndpointNotFoundError } from '../errors';
import { eventTypes, type EventType } from '../events/model';
import type { EndpointEvents, EndpointScope, WebhookEndpointRecord } from '../webhooks/model';
import { db } from './client';
import { cancellationReasons, conditionFailed, retryableCancellation } from './dynamo-errors';
import { stringOrNull } from './item-fields';
import { keys } from './keys';

/*
 * The webhook endpoint (`WEBHOOK#<id>` / `WEBHOOK`, listed in its owner's `gsi1` partition while live) and its route
 * (`WEBHOOK_ROUTES#…` / `ENDPOINT#<id>`): a copy of what decides which events it receives, in the partition that
 * `enqueueDeliveries` reads with a strongly consistent query, so an event committed after the endpoint was answered
 * never misses it. Both are written in one transaction with the owner's count of live endpoints (`WEBHOOK_COUNT#…`),
 * whose condition is the limit per owner, and a deletion removes the route and counts the endpoint out in the same
 * transaction that marks the endpoint deleted. The endpoint's secret is stored as it is: every delivery signs with it.
 */

/** The live endpoints one owner may have. */
export const endpointsPerOwnerMax = 20;
/** The routes one query reads; an enqueue reads on (to `routePagesMax` pages) while there are more. */
const routesPerPage = 100;
const routePagesMax = 20;

/** Which events one endpoint receives, as its route holds it. */
export interface EndpointRoute {
  endpointId: string;
  ownerId: string;
  scope: EndpointScope;
  events: EndpointEvents;
}

const routeScope = (record: Pick<WebhookEndpointRecord, 'scope' | 'ownerId'>) => (record.scope === 'admin' ? 'admin' as const : { ownerId: record.ownerId });

/** The update of an owner's count of live endpoints by `delta`, guarded by the limit when it adds one. */
function countUpdate(ownerId: string, delta: 1 | -1) {
  return {
    Update: {
      TableName: config.tableName,
      Key: keys.webhookEndpointCount(ownerId),
      // Named as its own entity, as every item is, for the reconciler (which knows the table's every kind of item).
      UpdateExpression: 'SET #entity = :entity ADD #live :delta',
      ...(delta > 0 ? { ConditionExpression: 'attribute_not_exists(#live) OR #live < :max' } : {}),
      ExpressionAttributeNames: { '#live': 'live', '#entity': 'entity' },
      ExpressionAttributeValues: { ':entity': 'webhookEndpointCount', ':delta': delta, ...(delta > 0 ? { ':max': endpointsPerOwnerMax } : {}) },
    },
  };
}

/**
 * Stores a new endpoint and its route, both conditionally on their ids being new, and counts it in its owner's
 * live endpoints; an owner at the limit answers `WebhookEndpointLimitError`.
 */
export async function insertEndpoint(record: WebhookEndpointRecord): Promise<void> {
  const { id, ownerId, scope, events, createdAt } = record;
  try {
    await db.send(new TransactWriteCommand({ TransactItems: [
      {
        Put: {
          TableName: config.tableName,
          Item: { ...keys.webhookEndpoint(id), ...keys.webhookEndpointInOwnerList(ownerId, createdAt, id), entity: 'webhookEndpoint', ...record, status: 'active' },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: config.tableName,
          Item: { ...keys.webhookRoute(routeScope(record), id), entity: 'webhookRoute', endpointId: id, ownerId, scope, events },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      countUpdate(ownerId, 1),
    ] }));
  } catch (error) {
    // The count's condition failed: the owner has as many live endpoints as one may.
    const reasons = cancellationReasons(error);
    if (reasons && conditionFailed(reasons, 2)) throw new WebhookEndpointLimitError(endpointsPerOwnerMax);
    // Another registration or deletion of the owner's held the count: nothing was written, and a retry may pass.
    if (reasons && retryableCancellation(reasons)) throw new StorageUnavailableError();
    throw error;
  }
}

/** Reads a live endpoint, strongly consistent, or `undefined` (none, or deleted). */
export async function findEndpoint(endpointId: string): Promise<WebhookEndpointRecord | undefined> {
  const result = await db.send(new GetCommand({ TableName: config.tableName, Key: keys.webhookEndpoint(endpointId), ConsistentRead: true }));
  return result.Item && result.Item.status === 'active' ? endpointFromItem(result.Item) : undefined;
}

/**
 * Marks an endpoint deleted and removes its route, in one transaction, on condition that it is still live: a second
 * deletion (or one racing it) answers `WebhookEndpointNotFoundError`. Its attempts are kept.
 */
export async function deleteEndpoint(record: WebhookEndpointRecord, at: string): Promise<void> {
  try {
    await db.send(new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: config.tableName,
            Key: keys.webhookEndpoint(record.id),
            UpdateExpression: 'SET #status = :deleted, deletedAt = :at REMOVE gsi1pk, gsi1sk',
            ConditionExpression: '#status = :active',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':deleted': 'deleted', ':active': 'active', ':at': at },
          },
        },
        { Delete: { TableName: config.tableName, Key: keys.webhookRoute(routeScope(record), record.id) } },
        countUpdate(record.ownerId, -1),
      ],
    }));
  } catch (error) {
    // The endpoint's condition failed: another deletion won, and the endpoint is gone for this caller too.
    const reasons = cancellationReasons(error);
    if (reasons && conditionFailed(reasons, 0)) throw new WebhookEndpointNotFoundError();
    if (reasons && retryableCancellation(reasons)) throw new StorageUnavailableError();
    throw error;
  }
}

/** One page of an owner's live endpoints, oldest first; `after` is the last sort key of the previous page. */
export async function queryEndpointsOfOwner(ownerId: string, limit: number, after?: string) {
  const result = await db.send(new QueryCommand({
    TableName: config.tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.webhookEndpointsOfOwner(ownerId).gsi1pk },
    Limit: limit,
    ExclusiveStartKey: after ? { ...keys.webhookEndpointsOfOwner(ownerId), gsi1sk: after, ...keys.webhookEndpoint(after.slice(after.indexOf('#') + 1)) } : undefined,
  }));
  const items = result.Items ?? [];
  return {
    endpoints: items.map(endpointFromItem),
    nextAfter: result.LastEvaluatedKey && items.length > 0 ? String(items[items.length - 1]!.gsi1sk) : null,
  };
}

/** The routes of one partition: an owner's endpoints, or every admin-scoped one. Strongly consistent. */
export async function queryRoutes(scope: { ownerId: string } | 'admin'): Promise<EndpointRoute[]> {
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  for (let page = 0; page < routePagesMax; page += 1) {
    const result = await db.send(new QueryCommand({
      TableName: config.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.webhookRoutes(scope).pk },
      ConsistentRead: true,
      Limit: routesPerPage,
      ExclusiveStartKey: start,
    }));
    items.push(...(result.Items ?? []));
    start = result.LastEvaluatedKey;
    if (!start) break;
  }
  // An owner has at most 20 endpoints, and the admins theirs: more than the pages hold is a bug in the data.
  assert(start === undefined, 'an enqueue reads every route of a partition');
  return items.map((item) => ({
    endpointId: String(item.endpointId),
    ownerId: String(item.ownerId),
    scope: item.scope === 'admin' ? 'admin' : 'owner',
    events: eventsOf(item.events),
  }));
}

const knownTypes: ReadonlySet<string> = new Set(eventTypes);

/** An endpoint's stored types: every one known, or the single `*`. */
function eventsOf(value: unknown): EndpointEvents {
  assert(Array.isArray(value) && value.length > 0, 'an endpoint subscribes to at least one type');
  if (value.length === 1 && value[0] === '*') return ['*'];
  assert(value.every((type) => knownTypes.has(String(type))), 'an endpoint subscribes to known event types');
  return value as EventType[];
}

/** The endpoint an item holds. A field no write of ours could have stored is a bug in the data. */
function endpointFromItem(item: Record<string, unknown>): WebhookEndpointRecord {
  assert(typeof item.secret === 'string' && item.secret.startsWith('whsec_'), 'an endpoint holds its secret');
  assert(item.scope === 'owner' || item.scope === 'admin', 'an endpoint scope is owner or admin');
  return {
    id: String(item.id),
    ownerId: String(item.ownerId),
    scope: item.scope,
    url: String(item.url),
    events: eventsOf(item.events),
    description: stringOrNull(item.description),
    secret: item.secret,
    createdAt: String(item.createdAt),
  };
}
