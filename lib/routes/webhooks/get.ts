import { ValidationError, WebhookEndpointNotFoundError } from '../../errors';
import { authenticate } from '../../identity/standing';
import { idParams } from '../../ledger/schemas';
import { authErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `GET /v1/webhook-endpoints/{id}`: one endpoint, to its owner or an admin. */
export const route = {
  name: 'getWebhookEndpoint',
  handler: 'functions/webhooks/get.handler',
  method: 'GET',
  path: '/v1/webhook-endpoints/{id}',
  summary: 'Read a webhook endpoint',
  description: 'A live webhook endpoint, without its secret, to its owner or an admin with admin power.',
  tag: 'webhooks',
  auth: authenticate,
  params: idParams,
  status: 200,
  response: 'webhookEndpoint',
  errors: [...authErrors, ValidationError, WebhookEndpointNotFoundError, ...storageErrors],
  access: { table: ['GetItem'] },
} satisfies Route;
