import { HoldNotFoundError, MfaSessionRequiredError, ValidationError } from '../../errors';
import { authenticate } from '../../identity/standing';
import { idParams } from '../../ledger/schemas';
import { authErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `GET /v1/holds/{id}`: a hold, to the caller who placed it, the owner of either account, or an admin. */
export const route = {
  name: 'getHold',
  handler: 'functions/holds/get.handler',
  method: 'GET',
  path: '/v1/holds/{id}',
  summary: 'Read a hold',
  description: 'A hold, to the caller who placed it, the owner of either of its accounts, or an admin.',
  tag: 'holds',
  auth: authenticate,
  params: idParams,
  status: 200,
  response: 'hold',
  errors: [...authErrors, ValidationError, HoldNotFoundError, MfaSessionRequiredError, ...storageErrors],
  access: { table: ['GetItem'] },
} satisfies Route;
