import {
  AccountClosedError, AccountFrozenError, AccountNotFoundError, BalanceLimitExceededError, CurrencyMismatchError, ForbiddenError,
  IdempotencyKeyRequiredError, IdempotencyKeyReusedError, InsufficientFundsError, LedgerBusyError, LedgerUnavailableError,
  MfaSessionRequiredError, SameAccountError,
} from '../../errors';
import { authenticate } from '../../identity/standing';
import { holdBody } from '../../ledger/schemas';
import { authErrors, inputErrors, storageErrors } from '../errors';
import type { Route } from '../route';
import { idempotencyKeyHeader } from '../transfers/create';

/**
 * `POST /v1/holds`: reserves funds out of an account for another, to capture or void later (or to expire); the
 * required `Idempotency-Key` makes retries safe.
 */
export const route = {
  name: 'createHold',
  handler: 'functions/holds/create.handler',
  method: 'POST',
  path: '/v1/holds',
  summary: 'Place a hold: reserve funds to capture later',
  auth: authenticate,
  body: holdBody,
  headers: [idempotencyKeyHeader],
  status: 201,
  response: 'hold',
  errors: [
    ...authErrors, ...inputErrors, IdempotencyKeyRequiredError, AccountNotFoundError, ForbiddenError, MfaSessionRequiredError, SameAccountError,
    CurrencyMismatchError, InsufficientFundsError, AccountFrozenError, AccountClosedError, BalanceLimitExceededError, IdempotencyKeyReusedError,
    LedgerBusyError, LedgerUnavailableError, ...storageErrors,
  ],
  // A transfer's (lib/routes/transfers/create.ts): the standing GetItem, BatchGetItem for every ledger read, one
  // TransactWriteItems of Updates (the source's shard 0) and Puts (the hold, its copies, the key), a PutItem to bind a
  // refusal to its key.
  access: { table: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'] },
} satisfies Route;
