import {
  ForbiddenError, HoldExpiredError, HoldNotFoundError, HoldNotPendingError, LedgerBusyError, LedgerUnavailableError, MfaSessionRequiredError,
  ValidationError,
} from '../../errors';
import { authenticate } from '../../identity/standing';
import { idParams } from '../../ledger/schemas';
import { authErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `POST /v1/holds/{id}/void`: releases a pending hold's funds, once; a second void is refused. */
export const route = {
  name: 'voidHold',
  handler: 'functions/holds/void.handler',
  method: 'POST',
  path: '/v1/holds/{id}/void',
  summary: 'Void a hold, releasing its funds',
  description: 'Releases a pending hold\'s funds, once, before it expires; only the caller who placed it, or an admin, '
    + 'may. A hold already captured, voided or expired is refused.',
  tag: 'holds',
  auth: authenticate,
  params: idParams,
  status: 200,
  response: 'hold',
  errors: [
    ...authErrors, ValidationError, HoldNotFoundError, ForbiddenError, MfaSessionRequiredError, HoldNotPendingError, HoldExpiredError,
    LedgerBusyError, LedgerUnavailableError, ...storageErrors,
  ],
  // The hold's GetItem; the source's shard 0 read with BatchGetItem; one TransactWriteItems of Updates (the shard, the
  // hold and its copies). A void binds no key, so it puts nothing.
  access: { table: ['GetItem', 'BatchGetItem', 'UpdateItem', 'PutItem'] },
} satisfies Route;
