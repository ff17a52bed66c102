import { EventNotFoundError, MfaSessionRequiredError, ValidationError } from '../../errors';
import { authenticate } from '../../identity/standing';
import { idParams } from '../../ledger/schemas';
import { authErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `GET /v1/events/{id}`: one event, to the owner of an account it touches, or an admin. */
export const route = {
  name: 'getEvent',
  handler: 'functions/events/get.handler',
  method: 'GET',
  path: '/v1/events/{id}',
  summary: 'Read an event',
  description: 'One event, as webhooks deliver it, to the owner of an account it touches or an admin; kept for 30 days.',
  tag: 'events',
  auth: authenticate,
  params: idParams,
  status: 200,
  response: 'event',
  errors: [...authErrors, ValidationError, EventNotFoundError, MfaSessionRequiredError, ...storageErrors],
  access: { table: ['GetItem'] },
} satisfies Route;
