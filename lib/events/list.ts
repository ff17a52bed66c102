import { openCursor, sealCursor } from '../cursor';
import { EventNotFoundError } from '../errors';
import { usesAdminPower, withoutAdminPower } from '../identity/admin-power';
import type { Caller } from '../identity/model';
import { eventFeedKeys, findEvent, queryEventList } from '../storage/events';
import { keys } from '../storage/keys';
import type { EventType } from './model';
import { canReadEvent, eventView, type EventView } from './view';

/*
 * `GET /v1/events` and `GET /v1/events/{id}`: the events that touch the caller's accounts (an admin with admin power:
 * every event), newest first. A list reads strongly consistent partitions whose sort keys only grow for new events,
 * page after page below a cursor, so no event that was there when the first page was read repeats or goes missing.
 */

export interface EventQuery {
  type?: EventType;
  limit: number;
  cursor?: string;
}

/** An event the caller may read, or `event_not_found` (one answer for a missing event and another's). */
export async function getEvent(caller: Caller, eventId: string): Promise<EventView> {
  const event = await findEvent(eventId);
  if (!event || !canReadEvent(caller, event)) throw withoutAdminPower(caller, new EventNotFoundError());
  return eventView(caller, event);
}

/**
 * A page of the events the caller may read, newest first, of one type if asked: an owner's own list, or, for an admin
 * with admin power, the feed's partitions merged. The cursor is the sort key of the page's last event: every event
 * above it, in every partition read, was on this page or an earlier one, and new events only land above it.
 */
export async function listEvents(caller: Caller, query: EventQuery): Promise<{ data: EventView[]; nextCursor: string | null }> {
  const all = usesAdminPower(caller);
  const partitions = all ? eventFeedKeys() : [keys.eventsOfOwner(caller.userId).pk];
  const scope = `events:${all ? '*' : caller.userId}:${query.type ?? '*'}`;
  const before = query.cursor ? await openCursor(scope, query.cursor, (text) => sortKey.test(text)) : undefined;
  const pages = await Promise.all(partitions.map((pk) => queryEventList(pk, query.limit, query.type, before)));
  // A partition whose read stopped early vouches only for what it read, down to where it stopped: the page ends there.
  const floor = pages.reduce<string | null>((highest, { readTo }) => (readTo !== null && (highest === null || readTo > highest) ? readTo : highest), null);
  const merged = pages.flatMap(({ events }) => events)
    .filter(({ sk }) => floor === null || sk >= floor)
    .sort((a, b) => (a.sk < b.sk ? 1 : a.sk > b.sk ? -1 : 0))
    .slice(0, query.limit);
  const unread = pages.some(({ events, readTo }) => readTo !== null || events.some(({ sk }) => sk < (merged.at(-1)?.sk ?? '')));
  const last = merged.at(-1)?.sk ?? floor;
  return {
    data: merged.map(({ event }) => eventView(caller, event)),
    nextCursor: unread && last !== null ? await sealCursor(scope, last) : null,
  };
}

/** A sort key of an event list: `<createdAt>#<id>`. */
const sortKey = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#[0-9a-f-]{36}$/;
