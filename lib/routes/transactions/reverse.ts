import {
  AccountClosedError, AccountFrozenError, AccountNotFoundError, BalanceLimitExceededError, CurrencyMismatchError, ForbiddenError, MfaSessionRequiredError, IdempotencyKeyRequiredError,
  IdempotencyKeyReusedError, InsufficientFundsError, LedgerBusyError, LedgerUnavailableError, NotReversibleError,
  PartialReversalUnsupportedError, ReversalExceedsOriginalError, TransactionNotFoundError,
} from '../../errors';
import { authenticate } from '../../identity/standing';
import { idParams, reversalBody } from '../../ledger/schemas';
import { authErrors, inputErrors, storageErrors } from '../errors';
import type { Route } from '../route';
import { idempotencyKeyHeader } from '../transfers/create';

/**
 * `POST /v1/transactions/{id}/reversals`: a refund or a correction, as a new transaction of the original's entries
 * inverted (in full, or `amount` of one debit and one credit); the required `Idempotency-Key` makes retries safe.
 */
export const route = {
  name: 'reverseTransaction',
  handler: 'functions/transactions/reverse.handler',
  method: 'POST',
  path: '/v1/transactions/{id}/reversals',
  summary: 'Reverse a transaction, in full or in part',
  description: "Posts a reversal: the original's entries with debits and credits swapped, in full or (for one debit "
    + 'and one credit) in part, never beyond what remains. The `Idempotency-Key` header is required.',
  tag: 'transactions',
  auth: authenticate,
  params: idParams,
  body: reversalBody,
  headers: [idempotencyKeyHeader],
  status: 201,
  location: '/v1/transactions/{id}',
  response: 'transaction',
  errors: [
    ...authErrors, ...inputErrors, IdempotencyKeyRequiredError, TransactionNotFoundError, AccountNotFoundError, ForbiddenError, MfaSessionRequiredError,
    NotReversibleError, PartialReversalUnsupportedError, ReversalExceedsOriginalError, CurrencyMismatchError,
    InsufficientFundsError, AccountFrozenError, AccountClosedError, BalanceLimitExceededError, IdempotencyKeyReusedError, LedgerBusyError, LedgerUnavailableError,
    ...storageErrors,
  ],
  // The original is read with a GetItem, as `GET /v1/transactions/{id}` reads it; the rest is a transfer's, and the
  // write's Update of the original is one more UpdateItem.
  access: { table: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'] },
} satisfies Route;
