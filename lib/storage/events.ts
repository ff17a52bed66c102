import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { assert } from '../errors';
import { eventRetentionDays, eventTypes, type EventRecord, type EventType } from '../events/model';
import { db } from './client';
import type { TransactItem } from './dynamo-errors';
import { eventFeedPartitions, keys } from './keys';
import { queryNewestFirst } from './newest-first';

/*
 * The event item (`EVENT#<id>` / `EVENT`, the outbox: DynamoDB Streams carry its insert to the publisher) and its
 * copies in the lists that `GET /v1/events` reads: one in each touched account's owner's list (`EVENTS#<owner>`),
 * and one in a partition of the feed of every event (`EVENTS_ALL#<k>`), each sorted by `<createdAt>#<id>`. All are
 * written by the change's own `TransactWriteItems`, and expire together by the table's TTL after `eventRetentionDays`.
 */

/** The TTL (`expiresAt`, epoch seconds) of what is kept as long as events are, from `atIso`. */
export function retainedUntil(atIso: string): number {
  return Math.floor(Date.parse(atIso) / 1000) + eventRetentionDays * 24 * 3600;
}

/** The items an event puts in its change's write: the event, and a copy in each list that shows it. */
export function eventItems(event: EventRecord): TransactItem[] {
  const fields = { ...event, expiresAt: retainedUntil(event.createdAt) };
  const sk = `${event.createdAt}#${event.id}`;
  const put = (item: Record<string, unknown>): TransactItem => ({
    Put: { TableName: config.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' },
  });
  return [
    put({ ...keys.event(event.id), entity: 'event', ...fields }),
    ...event.ownerIds.map((ownerId) => put({ pk: keys.eventsOfOwner(ownerId).pk, sk, entity: 'event_copy', ...fields })),
    put({ pk: keys.eventFeed(event.id).pk, sk, entity: 'event_copy', ...fields }),
  ];
}

/** How many items an event of `owners` owners puts. */
export function eventItemCount(owners: number): number {
  return owners + 2;
}

/** Reads an event, or `undefined` (also once it has expired). */
export async function findEvent(eventId: string): Promise<EventRecord | undefined> {
  const result = await db.send(new GetCommand({ TableName: config.tableName, Key: keys.event(eventId), ConsistentRead: true }));
  return result.Item && !expired(result.Item) ? eventFromItem(result.Item) : undefined;
}

/**
 * Up to `limit` events of one list partition (an owner's, or one of the feed's), newest first, with a sort key below
 * `before` (the last of a previous page), of one type if asked, read strongly consistent. `readTo` is the sort key the
 * read stopped at when older ones remain (a type filter may leave fewer than `limit` after a bounded number of
 * reads), `null` when none do.
 */
export async function queryEventList(pk: string, limit: number, type?: EventType, before?: string) {
  const { items, readTo } = await queryNewestFirst({
    pk,
    below: before,
    // An expired copy may linger until DynamoDB's TTL deletes it: it is not shown.
    filter: {
      expression: `expiresAt > :now${type ? ' AND #type = :type' : ''}`,
      ...(type ? { names: { '#type': 'type' } } : {}),
      values: { ':now': Math.floor(Date.now() / 1000), ...(type ? { ':type': type } : {}) },
    },
    wanted: limit,
  });
  return { events: items.map((item) => ({ sk: String(item.sk), event: eventFromItem(item) })), readTo };
}

/**
 * Up to `limit` events of one partition of the feed, oldest first, with a sort key above `after` and at most `until`,
 * read strongly consistent: what a republish of a span reads (lib/events/republish.ts).
 */
export async function queryFeedSpan(pk: string, after: string, until: string, limit: number): Promise<Array<{ sk: string; event: EventRecord }>> {
  const result = await db.send(new QueryCommand({
    TableName: config.tableName,
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :after AND :until',
    ExpressionAttributeValues: { ':pk': pk, ':after': after, ':until': until },
    ConsistentRead: true,
    Limit: limit,
  }));
  return (result.Items ?? []).filter((item) => String(item.sk) > after).map((item) => ({ sk: String(item.sk), event: eventFromItem(item) }));
}

/** The partition keys of the feed of every event. */
export function eventFeedKeys(): string[] {
  return Array.from({ length: eventFeedPartitions }, (_, partition) => keys.eventFeedPartition(partition).pk);
}

function expired(item: Record<string, unknown>): boolean {
  return Number(item.expiresAt) <= Math.floor(Date.now() / 1000);
}

const types: ReadonlySet<string> = new Set(eventTypes);

/** The event an item (or a copy) holds. */
export function eventFromItem(item: Record<string, unknown>): EventRecord {
  const { id, type, createdAt, subject, accounts, ownerIds } = item;
  assert(typeof type === 'string' && types.has(type), 'an event is of a known type');
  assert(Array.isArray(accounts) && Array.isArray(ownerIds), 'an event names the accounts it touches and their owners');
  return {
    id: String(id), type: type as EventType, createdAt: String(createdAt), subject: subject as EventRecord['subject'],
    accounts: accounts as EventRecord['accounts'], ownerIds: ownerIds.map(String),
  };
}
