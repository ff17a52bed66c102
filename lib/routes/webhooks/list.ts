import { ForbiddenError, InvalidCursorError, MfaSessionRequiredError, ValidationError } from '../../errors';
import { authenticate } from '../../identity/standing';
import { listEndpointsQuery } from '../../webhooks/schemas';
import { authErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `GET /v1/webhook-endpoints`: the caller's endpoints (admins: `?ownerId=`), a page at a time. */
export const route = {
  name: 'listWebhookEndpoints',
  handler: 'functions/webhooks/list.handler',
  method: 'GET',
  path: '/v1/webhook-endpoints',
  summary: "List the caller's webhook endpoints",
  description: "The caller's live webhook endpoints, oldest first, a page at a time (`limit`, and `cursor` from the "
    + "previous page), without their secrets. Admins with admin power may list another owner's with `ownerId`.",
  tag: 'webhooks',
  auth: authenticate,
  query: listEndpointsQuery,
  status: 200,
  response: 'webhookEndpointPage',
  errors: [...authErrors, ValidationError, InvalidCursorError, ForbiddenError, MfaSessionRequiredError, ...storageErrors],
  // The standing GetItem; the owner's endpoints are a Query of gsi1.
  access: { table: ['GetItem'], index: ['Query'] },
} satisfies Route;
