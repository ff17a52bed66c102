import { AccountNotFoundError, InvalidCursorError, MfaSessionRequiredError, ValidationError } from '../../errors';
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
  description: 'The holds out of or into an account, newest first, of one `status` if asked, a page at a time. A '
    + 'cursor serves only the account and status it came from.',
  tag: 'holds',
  auth: authenticate,
  params: idParams,
  query: holdListQuery,
  status: 200,
  response: 'holdPage',
  errors: [...authErrors, ValidationError, InvalidCursorError, AccountNotFoundError, MfaSessionRequiredError, ...storageErrors],
  // visibleAccount's GetItem, then Queries of the account's list of holds.
  access: { table: ['GetItem', 'Query'] },
} satisfies Route;
