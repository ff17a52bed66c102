import {
  AccountClosedError, AccountFrozenError, AccountNotFoundError, BalanceLimitExceededError, CurrencyMismatchError, ForbiddenError,
  IdempotencyKeyRequiredError, IdempotencyKeyReusedError, MfaSessionRequiredError,
  InsufficientFundsError, LedgerBusyError, LedgerUnavailableError, SameAccountError,
} from '../../errors';
import { authenticate } from '../../identity/standing';
import { idempotencyKey, transferBody } from '../../ledger/schemas';
import { authErrors, inputErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** The `Idempotency-Key` header every money-moving POST requires. */
export const idempotencyKeyHeader = {
  name: 'Idempotency-Key',
  description: 'Required. 1–255 printable characters and no comma (a comma is two values), scoped to the caller '
    + 'and kept 24 hours: it binds the first outcome (the 201, or a 422 refusal), and a retry with the same key and '
    + 'body replays it with `Idempotent-Replayed: true`.',
  schema: idempotencyKey,
  missing: IdempotencyKeyRequiredError,
};

/** `POST /v1/transfers`: moves money between accounts; the required `Idempotency-Key` header makes retries safe. */
export const route = {
  name: 'createTransfer',
  handler: 'functions/transfers/create.handler',
  method: 'POST',
  path: '/v1/transfers',
  summary: 'Transfer money between accounts',
  description: 'Moves an amount in minor units from one account to another of the same currency, in one atomic '
    + 'write. The `Idempotency-Key` header is required: a retry with the same key and body answers the '
    + 'first outcome again, with `Idempotent-Replayed: true`.',
  tag: 'transactions',
  auth: authenticate,
  body: transferBody,
  headers: [idempotencyKeyHeader],
  status: 201,
  location: '/v1/transactions/{id}',
  response: 'transaction',
  errors: [
    ...authErrors, ...inputErrors, IdempotencyKeyRequiredError, AccountNotFoundError, ForbiddenError, MfaSessionRequiredError, SameAccountError,
    CurrencyMismatchError, InsufficientFundsError, AccountFrozenError, AccountClosedError, BalanceLimitExceededError, IdempotencyKeyReusedError,
    LedgerBusyError, LedgerUnavailableError,
    ...storageErrors,
  ],
  // The caller's standing is a GetItem (lib/identity/standing.ts). Every ledger read is a BatchGetItem (the accounts
  // and keys, a winner's key, whether a write committed: lib/storage/ledger-write.ts), then one TransactWriteItems:
  // an Update per account and three or four Puts a transfer; a refusal under a key is bound by one PutItem.
  access: { table: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'] },
} satisfies Route;
