import { WebhookEndpointLimitError, WebhookUrlRefusedError } from '../../errors';
import { authenticate } from '../../identity/standing';
import { createEndpointBody } from '../../webhooks/schemas';
import { authErrors, inputErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `POST /v1/webhook-endpoints`: registers a URL to receive the caller's events, signed with a secret shown once. */
export const route = {
  name: 'createWebhookEndpoint',
  handler: 'functions/webhooks/create.handler',
  method: 'POST',
  path: '/v1/webhook-endpoints',
  summary: 'Register a webhook endpoint',
  description: 'Registers `url` to receive, as signed POSTs (Standard Webhooks), the events the caller could read with '
    + '`GET /v1/events` of the types in `events` (`["*"]` for all). The answer holds the endpoint\'s `secret` '
    + '(`whsec_…`), shown only here: keep it to verify each delivery\'s `webhook-signature`. The URL must be `https` and '
    + 'its host must resolve only to public addresses, at registration and at every delivery. An admin in a session '
    + 'with admin power registers an endpoint that receives every event. An owner has at most 20 live endpoints.',
  tag: 'webhooks',
  auth: authenticate,
  body: createEndpointBody,
  status: 201,
  location: '/v1/webhook-endpoints/{id}',
  response: 'webhookEndpointCreated',
  errors: [...authErrors, ...inputErrors, WebhookUrlRefusedError, WebhookEndpointLimitError, ...storageErrors],
  // The standing GetItem; one TransactWriteItems of two Puts (the endpoint and its route) and an Update (the owner's count).
  access: { table: ['GetItem', 'PutItem', 'UpdateItem'] },
} satisfies Route;
