import { logError } from '../http/log';
import type { Caller } from '../identity/model';
import { putOnBus, stageBus, type EventBus } from '../storage/event-bus';
import type { StreamedEvent } from '../storage/event-stream';
import { enqueueDeliveries, routesOnce } from '../webhooks/enqueue';
import { eventView } from './view';

/*
 * The outbox's publisher: each committed event, in the order the stream carries them, goes to the stage's EventBridge
 * bus (where it has one) and to the webhooks (`enqueueDeliveries`). It runs at least once per event (the stream is
 * retried from the first event that failed, and a crash repeats a whole batch), and is idempotent where it matters:
 * a delivery's id derives from the event and the endpoint, so a webhook receiver gets one `webhook-id` per event; a
 * bus entry repeated carries the same `detail.id`.
 */

/** The bus entries render each event as an admin reads it with `GET /v1/events/{id}`. */
const busReader: Caller = { userId: 'publisher', role: 'admin', mfa: true };

/** What a batch came to: how many events were published, from the first, and the first that was not. */
export interface Published {
  published: number;
  failedSequence?: string;
}

/**
 * Publishes a batch of `events` (at most the stream job's batch size): puts them all on the bus while enqueueing all
 * their deliveries, side by side, and answers how many, from the first, got both. The first that did not is what the
 * stream retries from (those after it, published or not, come again).
 */
export async function publishEvents(events: readonly StreamedEvent[], bus: EventBus | undefined = stageBus): Promise<Published> {
  // The batch's events all committed before it was read: each partition's webhook routes are read once for all.
  const routesOf = routesOnce();
  const entries = events.map(({ event }) => ({
    type: event.type, createdAt: event.createdAt, detail: JSON.stringify(eventView(busReader, event)),
  }));
  const [onBus, ...enqueued] = await Promise.allSettled([
    bus ? putOnBus(bus, entries) : Promise.resolve(events.length),
    ...events.map(({ event }) => enqueueDeliveries(event, Date.now(), routesOf)),
  ]);
  const busAccepted = onBus!.status === 'fulfilled' ? onBus!.value : 0;
  const firstUnqueued = enqueued.findIndex((result) => result.status === 'rejected');
  const published = Math.min(busAccepted, firstUnqueued < 0 ? events.length : firstUnqueued);
  const failure = [onBus!, ...enqueued].find((result) => result.status === 'rejected');
  if (failure) logError('an event was not published; the stream retries it', failure.reason, { eventId: events[published]?.event.id });
  return published < events.length ? { published, failedSequence: events[published]!.sequence } : { published };
}
