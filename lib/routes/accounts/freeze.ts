import { AccountNotFoundError, ForbiddenError, MfaSessionRequiredError, ValidationError, AccountClosedError } from '../../errors';
import { authenticate } from '../../identity/standing';
import { idParams } from '../../ledger/schemas';
import { authErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `POST /v1/accounts/{id}/freeze`: freezes an account (admins only): it refuses debits (`account_frozen`) and still takes credits. */
export const route = {
  name: 'freezeAccount',
  handler: 'functions/accounts/freeze.handler',
  method: 'POST',
  path: '/v1/accounts/{id}/freeze',
  summary: 'Freeze an account: no debits, credits still land (admins)',
  description: 'Freezes an account: it refuses debits (`account_frozen`) and still takes credits. Admins in an MFA '
    + 'session only.',
  tag: 'accounts',
  auth: authenticate,
  params: idParams,
  status: 200,
  response: 'account',
  errors: [...authErrors, ValidationError, AccountNotFoundError, ForbiddenError, MfaSessionRequiredError, AccountClosedError, ...storageErrors],
  // visibleAccount's GetItem; a hot account's shards in one BatchGetItem (and a GetItem of its shard 0); the new
  // status on every shard in one TransactWriteItems of Updates (lib/storage/account-changes.ts writeAccountStatus).
  access: { table: ['GetItem', 'BatchGetItem', 'UpdateItem', 'PutItem'] },
} satisfies Route;
