import { MfaSessionRequiredError, ForbiddenError, UserNotFoundError } from '../../errors';
import { authenticate } from '../../identity/standing';
import { createAccountBody } from '../../ledger/schemas';
import { authErrors, inputErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `POST /v1/accounts`: opens an account in one currency with balance 0. */
export const route = {
  name: 'createAccount',
  handler: 'functions/accounts/create.handler',
  method: 'POST',
  path: '/v1/accounts',
  summary: 'Open an account',
  description: 'Opens an account in one ISO 4217 currency with balance 0, owned by the caller. Admins may open '
    + '`system` accounts, which may go below 0 and fund others.',
  tag: 'accounts',
  auth: authenticate,
  body: createAccountBody,
  status: 201,
  location: '/v1/accounts/{id}',
  response: 'account',
  errors: [...authErrors, ...inputErrors, ForbiddenError, MfaSessionRequiredError, UserNotFoundError, ...storageErrors],
  // findUserById (an admin opening an account for another owner), then insertAccount's conditional Put (a hot
  // account's shards: conditional Puts in one TransactWriteItems).
  access: { table: ['GetItem', 'PutItem'] },
} satisfies Route;
