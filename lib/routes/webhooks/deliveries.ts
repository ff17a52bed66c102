import { InvalidCursorError, ValidationError, WebhookEndpointNotFoundError } from '../../errors';
import { authenticate } from '../../identity/standing';
import { idParams } from '../../ledger/schemas';
import { listAttemptsQuery } from '../../webhooks/schemas';
import { authErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `GET /v1/webhook-endpoints/{id}/deliveries`: every delivery attempt to the endpoint, newest first. */
export const route = {
  name: 'listWebhookDeliveries',
  handler: 'functions/webhooks/deliveries.handler',
  method: 'GET',
  path: '/v1/webhook-endpoints/{id}/deliveries',
  summary: "List a webhook endpoint's delivery attempts",
  description: 'Each attempt to deliver an event to the endpoint, newest first, a page at a time: when it was made, '
    + 'the status code the receiver answered (or none), and its outcome (`delivered`, `retrying` with the time of the '
    + 'next attempt, or `failed` once retries ran out after 24 hours). To its owner or an admin with admin power.',
  tag: 'webhooks',
  auth: authenticate,
  params: idParams,
  query: listAttemptsQuery,
  status: 200,
  response: 'webhookAttemptPage',
  errors: [...authErrors, ValidationError, InvalidCursorError, WebhookEndpointNotFoundError, ...storageErrors],
  // The standing and the endpoint are GetItems; the attempts a Query of the table.
  access: { table: ['GetItem', 'Query'] },
} satisfies Route;
