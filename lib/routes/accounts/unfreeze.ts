import { AccountNotFoundError, ForbiddenError, MfaSessionRequiredError, ValidationError, AccountClosedError } from '../../errors';
import { authenticate } from '../../identity/standing';
import { idParams } from '../../ledger/schemas';
import { authErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `POST /v1/accounts/{id}/unfreeze`: lifts a freeze (admins only): the account takes debits again. */
export const route = {
  name: 'unfreezeAccount',
  handler: 'functions/accounts/unfreeze.handler',
  method: 'POST',
  path: '/v1/accounts/{id}/unfreeze',
  summary: 'Unfreeze an account (admins)',
  description: 'Lifts a freeze: the account takes debits again. Admins in an MFA session only.',
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
