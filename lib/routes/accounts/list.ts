import { InvalidCursorError, MfaSessionRequiredError, ForbiddenError, ValidationError } from '../../errors';
import { authenticate } from '../../identity/standing';
import { listAccountsQuery } from '../../ledger/schemas';
import { authErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `GET /v1/accounts`: the caller's accounts (admins: `?ownerId=`), a page at a time. */
export const route = {
  name: 'listAccounts',
  handler: 'functions/accounts/list.handler',
  method: 'GET',
  path: '/v1/accounts',
  summary: "List the caller's accounts",
  description: "The caller's accounts, oldest first, a page at a time (`limit`, and `cursor` from the previous "
    + "page). Admins may list another owner's with `ownerId`.",
  tag: 'accounts',
  auth: authenticate,
  query: listAccountsQuery,
  status: 200,
  response: 'accountPage',
  errors: [...authErrors, ValidationError, InvalidCursorError, ForbiddenError, MfaSessionRequiredError, ...storageErrors],
  // The caller's standing is a GetItem; queryAccountsOfOwner reads the owner index; a hot account's shards are one
  // BatchGetItem (and a GetItem of its shard 0).
  access: { table: ['GetItem', 'BatchGetItem'], index: ['Query'] },
} satisfies Route;
