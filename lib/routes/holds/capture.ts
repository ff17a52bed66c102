import {
  AccountClosedError, AccountFrozenError, AccountNotFoundError, BalanceLimitExceededError, CaptureExceedsHoldError, CurrencyMismatchError,
  ForbiddenError, HoldExpiredError, HoldNotFoundError, HoldNotPendingError, IdempotencyKeyRequiredError, IdempotencyKeyReusedError,
  InsufficientFundsError, LedgerBusyError, LedgerUnavailableError, MfaSessionRequiredError,
} from '../../errors';
import { authenticate } from '../../identity/standing';
import { captureBody, idParams } from '../../ledger/schemas';
import { authErrors, inputErrors, storageErrors } from '../errors';
import type { Route } from '../route';
import { idempotencyKeyHeader } from '../transfers/create';

/**
 * `POST /v1/holds/{id}/capture`: posts the transfer of what is captured (all of the hold by default) and releases the
 * rest, once; the required `Idempotency-Key` makes retries safe.
 */
export const route = {
  name: 'captureHold',
  handler: 'functions/holds/capture.handler',
  method: 'POST',
  path: '/v1/holds/{id}/capture',
  summary: 'Capture a hold, in full or in part',
  description: 'Posts a transaction (`type: capture`, with `holdId`) moving `amount` (all of the hold when left out) '
    + 'from the source to the destination, and releases the rest. Only the caller who placed the hold, or an admin, '
    + 'may capture it, once, before it expires. The `Idempotency-Key` header is required; a retry replays the capture.',
  tag: 'holds',
  auth: authenticate,
  params: idParams,
  body: captureBody,
  headers: [idempotencyKeyHeader],
  status: 201,
  location: '/v1/transactions/{id}',
  response: 'transaction',
  errors: [
    ...authErrors, ...inputErrors, IdempotencyKeyRequiredError, HoldNotFoundError, ForbiddenError, MfaSessionRequiredError, AccountNotFoundError,
    HoldNotPendingError, HoldExpiredError, CaptureExceedsHoldError, CurrencyMismatchError, InsufficientFundsError, AccountFrozenError,
    AccountClosedError, BalanceLimitExceededError, IdempotencyKeyReusedError, LedgerBusyError, LedgerUnavailableError, ...storageErrors,
  ],
  // The hold is read with a GetItem; the rest is a transfer's, its write also updating the hold and its copies.
  access: { table: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'] },
} satisfies Route;
