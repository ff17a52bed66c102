import { ValidationError, WebhookEndpointNotFoundError } from '../../errors';
import { authenticate } from '../../identity/standing';
import { idParams } from '../../ledger/schemas';
import { authErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `DELETE /v1/webhook-endpoints/{id}`: the endpoint receives nothing more, and is gone for its owner too. */
export const route = {
  name: 'deleteWebhookEndpoint',
  handler: 'functions/webhooks/delete.handler',
  method: 'DELETE',
  path: '/v1/webhook-endpoints/{id}',
  summary: 'Delete a webhook endpoint',
  description: 'Deletes a webhook endpoint of the caller\'s (an admin with admin power may delete any): no event is '
    + 'delivered to it any more, and its pending deliveries are dropped. A second deletion answers 404.',
  tag: 'webhooks',
  auth: authenticate,
  params: idParams,
  status: 204,
  errors: [...authErrors, ValidationError, WebhookEndpointNotFoundError, ...storageErrors],
  // The standing and the endpoint are GetItems; one TransactWriteItems updates the endpoint and deletes its route.
  access: { table: ['GetItem', 'UpdateItem', 'DeleteItem'] },
} satisfies Route;
