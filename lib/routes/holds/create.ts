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
  description: 'Reserves `amount` out of `fromAccountId` for `toAccountId` until the hold is captured, voided or expires '
    + '(`expiresInSeconds`, 1 s to 30 days, 7 days by default). The source\'s `pending` grows and its `available` '
    + 'shrinks; the rules and refusals are those of a transfer, the funds test on `available`. The `Idempotency-Key` '
    + 'header is required.',
  tag: 'holds',
  auth: authenticate,
  body: holdBody,
  headers: [idempotencyKeyHeader],
  status: 201,
  location: '/v1/holds/{id}',
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
