import * as z from 'zod/mini';
import { eventTypes } from '../events/model';
import { freeText } from '../http/free-text';
import '../http/zod-locale';
import { id } from '../ledger/fields';
import { instant, issuedId } from '../view-fields';
import { urlLengthMax } from './url-policy';

/*
 * The request schemas of the webhook routes (lib/routes/webhooks/), and the views they answer with, which the
 * OpenAPI document describes (lib/openapi/responses.ts).
 */

/** The event types an endpoint takes: some of the known ones, each once, or `["*"]` alone for all. */
const subscribedEvents = z.array(z.enum([...eventTypes, '*'])).check(
  z.minLength(1), z.maxLength(eventTypes.length),
  z.refine((types) => new Set(types).size === types.length, 'Name each event type once.'),
  z.refine((types) => !types.includes('*') || types.length === 1, '"*" stands alone: it means every type.'),
);

/** `POST /v1/webhook-endpoints`. The URL's form is checked here; where it leads, by ./url-policy.ts. */
export const createEndpointBody = z.strictObject({
  url: z.string().check(z.minLength(1), z.maxLength(urlLengthMax)),
  events: subscribedEvents,
  description: z.optional(freeText({ minLength: 1, maxLength: 200 })),
});
export type CreateEndpointBody = z.infer<typeof createEndpointBody>;

const pageQuery = {
  limit: z._default(z.coerce.number<string>().check(z.int(), z.minimum(1), z.maximum(100)), 20),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
};

/** `GET /v1/webhook-endpoints`: a page of the caller's endpoints, or (admins) another owner's. */
export const listEndpointsQuery = z.strictObject({ ...pageQuery, ownerId: z.optional(id) });
export type ListEndpointsQuery = z.infer<typeof listEndpointsQuery>;

/** `GET /v1/webhook-endpoints/{id}/deliveries`: a page of the endpoint's attempts. */
export const listAttemptsQuery = z.strictObject(pageQuery);
export type ListAttemptsQuery = z.infer<typeof listAttemptsQuery>;

/** An endpoint as the API shows it: never with its secret, but in the answer that created it. */
export const webhookEndpointView = z.object({
  id: issuedId,
  ownerId: issuedId,
  url: z.string(),
  /** The event types it receives, or `["*"]`. */
  events: z.array(z.string()),
  description: z.nullable(z.string()),
  createdAt: instant,
});
export type WebhookEndpointView = z.infer<typeof webhookEndpointView>;

/** The answer of `POST /v1/webhook-endpoints`: the endpoint and its signing secret, shown this once. */
export const createdWebhookEndpointView = z.object({
  ...webhookEndpointView.shape,
  /** `whsec_` and the base64 of 32 random bytes: verify each delivery's `webhook-signature` with it. */
  secret: z.string(),
});

/** One attempt of a delivery. */
export const webhookAttemptView = z.object({
  deliveryId: z.string(),
  /** The event delivered: the `webhook-id` the receiver saw. */
  eventId: issuedId,
  eventType: z.string(),
  /** 1 for a delivery's first attempt. */
  attempt: z.int(),
  attemptedAt: instant,
  /** The receiver's HTTP status, or `null` when none came. */
  statusCode: z.nullable(z.int()),
  /** `delivered` (a 2xx within 5 s); `retrying` (tried again at `nextAttemptAt`); `failed` (retries ran out). */
  outcome: z.enum(['delivered', 'retrying', 'failed']),
  /** Why it did not count: `status` (not a 2xx), `timeout`, `connection`, `address_refused` (the URL policy). */
  error: z.nullable(z.enum(['status', 'timeout', 'connection', 'address_refused'])),
  durationMs: z.int(),
  nextAttemptAt: z.nullable(instant),
});
export type WebhookAttemptView = z.infer<typeof webhookAttemptView>;
