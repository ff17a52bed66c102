import type { EventType } from '../events/model';

/*
 * The records of webhooks: an endpoint a user registers, one delivery per event and endpoint, and each attempt of a
 * delivery. Storage (lib/storage/webhooks.ts, lib/storage/webhook-deliveries.ts) maps its items to and from these.
 */

/**
 * Whose events an endpoint receives: `owner`, those of its owner's accounts; `admin`, every event (an endpoint
 * registered by an admin in a session with admin power, as `GET /v1/events` shows such a caller every event).
 */
export type EndpointScope = 'owner' | 'admin';

/** The event types an endpoint subscribes to, or `['*']` for every type. */
export type EndpointEvents = readonly EventType[] | readonly ['*'];

/** An endpoint as stored. Its `secret` leaves storage only to sign deliveries, and once, in the answer that made it. */
export interface WebhookEndpointRecord {
  id: string;
  ownerId: string;
  scope: EndpointScope;
  url: string;
  events: EndpointEvents;
  description: string | null;
  secret: string;
  createdAt: string;
}

/** Where a delivery stands: `pending` until an attempt succeeds (`delivered`) or the retries run out (`failed`). */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'cancelled';

/** One event to deliver to one endpoint, with its own schedule: its body is rendered once, when it is enqueued. */
export interface DeliveryRecord {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: EventType;
  /** The JSON the receiver gets and the signature covers: the event as the endpoint's owner may read it. */
  body: string;
  status: DeliveryStatus;
  /** Attempts made so far. */
  attempts: number;
  createdAt: string;
  firstAttemptAt: string | null;
  /** When the next attempt is due, while `pending`. */
  nextAttemptAt: string | null;
}

/** What one attempt came to: the receiver's 2xx, or why it did not count. */
export type AttemptError = 'status' | 'timeout' | 'connection' | 'address_refused';

/** One attempt of a delivery, as `GET /v1/webhook-endpoints/{id}/deliveries` lists it. */
export interface AttemptRecord {
  deliveryId: string;
  endpointId: string;
  eventId: string;
  eventType: EventType;
  /** 1 for the first attempt of the delivery. */
  attempt: number;
  attemptedAt: string;
  /** The receiver's HTTP status, or `null` when none came (timeout, connection error, refused address). */
  statusCode: number | null;
  /** `delivered`; `retrying` (another attempt is scheduled at `nextAttemptAt`); `failed` (the last one). */
  outcome: 'delivered' | 'retrying' | 'failed';
  error: AttemptError | null;
  durationMs: number;
  nextAttemptAt: string | null;
}
