import { randomUUID } from 'node:crypto';
import { openCursor, sealCursor } from '../cursor';
import { ForbiddenError, WebhookEndpointNotFoundError } from '../errors';
import { requireAdminPower, usesAdminPower } from '../identity/admin-power';
import type { Caller } from '../identity/model';
import { queryAttempts } from '../storage/webhook-deliveries';
import { deleteEndpoint, findEndpoint, insertEndpoint, queryEndpointsOfOwner } from '../storage/webhooks';
import type { AttemptRecord, WebhookEndpointRecord } from './model';
import type { CreateEndpointBody, ListAttemptsQuery, ListEndpointsQuery, WebhookAttemptView, WebhookEndpointView } from './schemas';
import { newWebhookSecret } from './signing';
import { checkWebhookUrl } from './url-policy';

/*
 * Webhook endpoints: a caller registers URLs to receive the events it could read with `GET /v1/events`, lists and
 * deletes them, and reads each one's delivery attempts. An endpoint is seen only by its owner and by admins with
 * admin power; to anyone else it does not exist (404, as accounts are).
 */

/** An endpoint as the API shows it: everything but its secret. */
export function endpointView({ id, ownerId, url, events, description, createdAt }: WebhookEndpointRecord): WebhookEndpointView {
  return { id, ownerId, url, events: [...events], description, createdAt };
}

/** An attempt as the API shows it. */
function attemptView({ deliveryId, eventId, eventType, attempt, attemptedAt, statusCode, outcome, error, durationMs, nextAttemptAt }: AttemptRecord): WebhookAttemptView {
  return { deliveryId, eventId, eventType, attempt, attemptedAt, statusCode, outcome, error, durationMs, nextAttemptAt };
}

/**
 * Registers an endpoint for the caller, after checking its URL (./url-policy.ts); an admin with admin power registers
 * one that receives every event. Answers it with its secret, which is shown this once.
 */
export async function createEndpoint(caller: Caller, body: CreateEndpointBody): Promise<WebhookEndpointView & { secret: string }> {
  const url = await checkWebhookUrl(body.url);
  const record: WebhookEndpointRecord = {
    id: randomUUID(),
    ownerId: caller.userId,
    scope: usesAdminPower(caller) ? 'admin' : 'owner',
    url,
    events: body.events.includes('*') ? ['*'] : body.events as WebhookEndpointRecord['events'],
    description: body.description ?? null,
    secret: newWebhookSecret(),
    createdAt: new Date().toISOString(),
  };
  await insertEndpoint(record);
  return { ...endpointView(record), secret: record.secret };
}

/** A live endpoint the caller may see: its own, or any with admin power. */
export async function visibleEndpoint(caller: Caller, endpointId: string): Promise<WebhookEndpointRecord> {
  const endpoint = await findEndpoint(endpointId);
  if (!endpoint || (endpoint.ownerId !== caller.userId && !usesAdminPower(caller))) throw new WebhookEndpointNotFoundError();
  return endpoint;
}

/** The caller's endpoints, oldest first; an admin with admin power may list another owner's with `ownerId`. */
export async function listEndpoints(caller: Caller, query: ListEndpointsQuery) {
  const ownerId = query.ownerId ?? caller.userId;
  if (ownerId !== caller.userId) requireAdminPower(caller, new ForbiddenError("Only admins list another user's webhook endpoints."));
  const scope = `webhook-endpoints:${ownerId}`;
  const after = query.cursor ? await openCursor(scope, query.cursor, (value) => /^[^#]+#[A-Za-z0-9_-]+$/.test(value)) : undefined;
  const page = await queryEndpointsOfOwner(ownerId, query.limit, after);
  return { data: page.endpoints.map(endpointView), nextCursor: page.nextAfter ? await sealCursor(scope, page.nextAfter) : null };
}

/** Deletes an endpoint the caller may see: it receives nothing more, and its pending deliveries are dropped. */
export async function removeEndpoint(caller: Caller, endpointId: string): Promise<void> {
  await deleteEndpoint(await visibleEndpoint(caller, endpointId), new Date().toISOString());
}

/** An endpoint's delivery attempts, newest first, a page at a time. */
export async function listAttempts(caller: Caller, endpointId: string, query: ListAttemptsQuery) {
  await visibleEndpoint(caller, endpointId);
  const scope = `webhook-attempts:${endpointId}`;
  const after = query.cursor ? await openCursor(scope, query.cursor, (value) => /^[^#]+#[0-9a-f]{32}#\d{3}$/.test(value)) : undefined;
  const page = await queryAttempts(endpointId, query.limit, after);
  return { data: page.attempts.map(attemptView), nextCursor: page.nextAfter ? await sealCursor(scope, page.nextAfter) : null };
}
