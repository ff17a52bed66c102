import {
  AccountNotFoundError, BalanceLimitExceededError, CurrencyMismatchError, ForbiddenError, IdempotencyKeyReusedError,
  InsufficientFundsError, LedgerBusyError, LedgerUnavailableError, SameAccountError,
} from '../../errors';
import { authenticate } from '../../identity/tokens';
import { idempotencyKey, transferBody } from '../../ledger/schemas';
import { authErrors, inputErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `POST /v1/transfers`: moves money between accounts; an `Idempotency-Key` header makes retries safe. */
export const route = {
  name: 'createTransfer',
  handler: 'functions/transfers/create.handler',
  method: 'POST',
  path: '/v1/transfers',
  summary: 'Transfer money between accounts',
  auth: authenticate,
  body: transferBody,
  headers: [{
    name: 'Idempotency-Key',
    description: '1–255 printable characters and no comma (a comma is two values), scoped to the caller and kept 24 hours: a retry with the same key '
      + 'and body replays the first answer with `Idempotent-Replayed: true`.',
    schema: idempotencyKey,
  }],
  status: 201,
  response: 'transaction',
  errors: [
    ...authErrors, ...inputErrors, AccountNotFoundError, ForbiddenError, SameAccountError, CurrencyMismatchError,
    InsufficientFundsError, BalanceLimitExceededError, IdempotencyKeyReusedError, LedgerBusyError, LedgerUnavailableError,
    ...storageErrors,
  ],
  // Every read is a BatchGetItem (the accounts and keys, a winner's key, whether a write committed:
  // lib/storage/ledger-write.ts), then one TransactWriteItems: an Update per account and three or four Puts a transfer.
  access: { table: ['BatchGetItem', 'PutItem', 'UpdateItem'] },
} satisfies Route;
