import {
  AccountClosedError, AccountFrozenError, AccountNotFoundError, BalanceLimitExceededError, CurrencyMismatchError, ForbiddenError, MfaSessionRequiredError, IdempotencyKeyRequiredError,
  IdempotencyKeyReusedError, InsufficientFundsError, LedgerBusyError, LedgerUnavailableError, UnbalancedTransactionError,
} from '../../errors';
import { authenticate } from '../../identity/standing';
import { transactionBody } from '../../ledger/schemas';
import { authErrors, inputErrors, storageErrors } from '../errors';
import type { Route } from '../route';
import { idempotencyKeyHeader } from '../transfers/create';

/**
 * `POST /v1/transactions`: 2–20 entries posted at once, all or nothing (a marketplace split, an FX conversion); the
 * required `Idempotency-Key` header makes retries safe.
 */
export const route = {
  name: 'createTransaction',
  handler: 'functions/transactions/create.handler',
  method: 'POST',
  path: '/v1/transactions',
  summary: 'Post a transaction of several entries',
  description: 'Posts one balanced transaction of 2 to 20 entries (debits equal credits in each currency), all or '
    + 'nothing. The `Idempotency-Key` header is required, as for transfers.',
  tag: 'transactions',
  auth: authenticate,
  body: transactionBody,
  headers: [idempotencyKeyHeader],
  status: 201,
  location: '/v1/transactions/{id}',
  response: 'transaction',
  errors: [
    ...authErrors, ...inputErrors, IdempotencyKeyRequiredError, AccountNotFoundError, ForbiddenError, MfaSessionRequiredError, UnbalancedTransactionError,
    CurrencyMismatchError, InsufficientFundsError, AccountFrozenError, AccountClosedError, BalanceLimitExceededError, IdempotencyKeyReusedError, LedgerBusyError,
    LedgerUnavailableError, ...storageErrors,
  ],
  // As a transfer's (lib/routes/transfers/create.ts): a GetItem for the caller's standing, BatchGetItem for every
  // ledger read, one TransactWriteItems of Updates and Puts, and a PutItem to bind a refusal to its key.
  access: { table: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'] },
} satisfies Route;
