import { AccountNotFoundError, MfaSessionRequiredError } from '../../errors';
import { authenticate } from '../../identity/standing';
import { idParams, updateAccountBody } from '../../ledger/schemas';
import { authErrors, inputErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `PATCH /v1/accounts/{id}`: changes an account's name and merges into its metadata (owner or admin). */
export const route = {
  name: 'updateAccount',
  handler: 'functions/accounts/update.handler',
  method: 'PATCH',
  path: '/v1/accounts/{id}',
  summary: "Change an account's name or metadata",
  description: "Changes an account's name and merges keys into its metadata (a key given as an empty string is "
    + 'removed). The owner or an admin.',
  tag: 'accounts',
  auth: authenticate,
  params: idParams,
  body: updateAccountBody,
  status: 200,
  response: 'account',
  errors: [...authErrors, ...inputErrors, AccountNotFoundError, MfaSessionRequiredError, ...storageErrors],
  // The account's GetItem, then one conditional UpdateItem of its shard 0; a hot account's balance is the sum of its
  // shards, one BatchGetItem (and a GetItem of its shard 0).
  access: { table: ['GetItem', 'BatchGetItem', 'UpdateItem', 'PutItem'] },
} satisfies Route;
