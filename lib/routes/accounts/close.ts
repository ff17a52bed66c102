import { AccountNotFoundError, ForbiddenError, MfaSessionRequiredError, ValidationError, AccountClosedError, AccountFrozenError, AccountNotEmptyError } from '../../errors';
import { authenticate } from '../../identity/standing';
import { idParams } from '../../ledger/schemas';
import { authErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `POST /v1/accounts/{id}/close`: closes an account at balance 0 (owner or admin; a frozen one, admins only): it never moves money again. */
export const route = {
  name: 'closeAccount',
  handler: 'functions/accounts/close.handler',
  method: 'POST',
  path: '/v1/accounts/{id}/close',
  summary: 'Close an account at balance 0, for good',
  description: 'Closes an account whose balance is 0, for good: it never moves money again. The owner, or an admin '
    + '(a frozen account: admins only).',
  tag: 'accounts',
  auth: authenticate,
  params: idParams,
  status: 200,
  response: 'account',
  errors: [...authErrors, ValidationError, AccountNotFoundError, ForbiddenError, MfaSessionRequiredError, AccountClosedError, AccountFrozenError, AccountNotEmptyError, ...storageErrors],
  // visibleAccount's GetItem; a hot account's shards in one BatchGetItem (and a GetItem of its shard 0); the new
  // status on every shard in one TransactWriteItems of Updates (lib/storage/account-changes.ts writeAccountStatus).
  access: { table: ['GetItem', 'BatchGetItem', 'UpdateItem', 'PutItem'] },
} satisfies Route;
