import { createHash } from 'node:crypto';
import type { EventRecord } from '../events/model';
import { canReadEvent, eventView } from '../events/view';
import type { Caller } from '../identity/model';
import { putDelivery } from '../storage/webhook-deliveries';
import { queryRoutes, type EndpointRoute } from '../storage/webhooks';
import { assert } from '../errors';
import { readOnce } from '../read-once';

/*
 * The seam with the outbox: for each committed event, one delivery per endpoint that should receive it. An endpoint
 * receives what its owner could read with `GET /v1/events` (`canReadEvent`), of the types it subscribed to, rendered
 * as its owner reads it (`eventView`): balances only on the owner's own accounts. The outbox's publisher hands each
 * event over at least once, so the delivery's id is derived from the event and the endpoint, and a second enqueue of
 * one event writes nothing new.
 */

/** The delivery of one event to one endpoint: the same id however many times the event is enqueued. */
export function deliveryIdOf(eventId: string, endpointId: string): string {
  return createHash('sha256').update(`${eventId}\n${endpointId}`).digest('hex').slice(0, 32);
}

/** Who an endpoint's owner is when it reads events: an admin-scoped endpoint reads as an admin with admin power. */
export function readerOf(route: Pick<EndpointRoute, 'ownerId' | 'scope'>): Caller {
  return route.scope === 'admin' ? { userId: route.ownerId, role: 'admin', mfa: true } : { userId: route.ownerId, role: 'user', mfa: false };
}

/** Whether an endpoint takes events of this type. */
function subscribes(route: EndpointRoute, event: EventRecord): boolean {
  return route.events[0] === '*' || (route.events as readonly string[]).includes(event.type);
}

/** Reads the routes of one partition: `queryRoutes`, or a batch's memo of it. */
export type RoutesOf = (scope: { ownerId: string } | 'admin') => Promise<EndpointRoute[]>;

/**
 * Reads each partition's routes once for a batch of events that all committed before the batch began: an endpoint
 * answered before any of them committed is in what it reads, as it would be in a read per event.
 */
export function routesOnce(): RoutesOf {
  return readOnce(queryRoutes, (scope) => (scope === 'admin' ? 'admin' : scope.ownerId));
}

/**
 * Writes one delivery, due now, for every live endpoint that should receive `event`: those of each owner it touches
 * and every admin-scoped one. Answers how many deliveries it created (0 for an event enqueued before).
 */
export async function enqueueDeliveries(event: EventRecord, nowMs = Date.now(), routesOf: RoutesOf = queryRoutes): Promise<number> {
  const partitions = [...new Set(event.ownerIds)].map((ownerId) => ({ ownerId })) as Array<{ ownerId: string } | 'admin'>;
  const routes = (await Promise.all([...partitions, 'admin' as const].map(routesOf))).flat();
  const now = new Date(nowMs).toISOString();
  const created = await Promise.all(routes.filter((route) => subscribes(route, event)).map(async (route) => {
    const reader = readerOf(route);
    // The partitions read are exactly those whose owners may read it; a route found elsewhere is a bug in the data.
    assert(canReadEvent(reader, event), 'an endpoint receives only events its owner may read');
    return putDelivery({
      id: deliveryIdOf(event.id, route.endpointId),
      endpointId: route.endpointId,
      eventId: event.id,
      eventType: event.type,
      body: JSON.stringify(eventView(reader, event)),
      status: 'pending',
      attempts: 0,
      createdAt: now,
      firstAttemptAt: null,
      nextAttemptAt: now,
    });
  }));
  return created.filter(Boolean).length;
}
