import { AccountNotFoundError, MfaSessionRequiredError, ValidationError } from '../../errors';
import { authenticate } from '../../identity/standing';
import { holdListQuery, idParams } from '../../ledger/schemas';
import { authErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `GET /v1/accounts/{id}/holds`: the holds out of or into an account, newest first, of one status if asked. */
export const route = {
  name: 'listAccountHolds',
  handler: 'functions/accounts/holds.handler',
  method: 'GET',
  path: '/v1/accounts/{id}/holds',
  summary: "An account's holds, newest first",
  auth: authenticate,
  params: idParams,
  query: holdListQuery,
  status: 200,
  response: 'holdPage',
  errors: [...authErrors, ValidationError, AccountNotFoundError, MfaSessionRequiredError, ...storageErrors],
  // visibleAccount's GetItem, then Queries of the account's list of holds.
  access: { table: ['GetItem', 'Query'] },
} satisfies Route;
