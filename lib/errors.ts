/**
 * The error catalogue. Every expected failure is an `AppError` subclass with a stable snake_case `code` that clients
 * may branch on and the HTTP status it answers with, both static so that the OpenAPI document and the README's table
 * can be checked against this one list (`errorCatalogue`). Anything that is not an `AppError` is a bug and answers a
 * plain 500 (`internal_error`) that leaks nothing.
 */
import { AppError } from './app-error';
import { InvalidCursorError } from './cursor-error';
import { InvalidTotpError, MfaCodeRequiredError, MfaNotPendingError, MfaSessionRequiredError } from './identity/mfa-errors';
import {
  NotReversibleError, PartialReversalUnsupportedError, ReversalExceedsOriginalError, UnbalancedTransactionError,
} from './ledger/movement-errors';
import { AccountClosedError, AccountFrozenError, AccountNotEmptyError } from './ledger/status-errors';
import { CaptureExceedsHoldError, HoldExpiredError, HoldNotFoundError, HoldNotPendingError } from './ledger/hold-errors';
import { EventNotFoundError } from './events/errors';
import { WebhookEndpointLimitError, WebhookEndpointNotFoundError, WebhookUrlRefusedError } from './webhooks/errors';

export { AppError, ReplayedRefusalError, assert } from './app-error';
export { InvalidCursorError } from './cursor-error';
export { InvalidTotpError, MfaCodeRequiredError, MfaNotPendingError, MfaSessionRequiredError } from './identity/mfa-errors';
export {
  NotReversibleError, PartialReversalUnsupportedError, ReversalExceedsOriginalError, UnbalancedTransactionError,
} from './ledger/movement-errors';
export { AccountClosedError, AccountFrozenError, AccountNotEmptyError } from './ledger/status-errors';
export { CaptureExceedsHoldError, HoldExpiredError, HoldNotFoundError, HoldNotPendingError } from './ledger/hold-errors';
export { EventNotFoundError } from './events/errors';
export { WebhookEndpointLimitError, WebhookEndpointNotFoundError, WebhookUrlRefusedError } from './webhooks/errors';

/** The request is malformed or breaks a schema rule. */
export class ValidationError extends AppError {
  static readonly code = 'validation_failed';
  static readonly status = 400;
}

/** A money-moving POST without an `Idempotency-Key`: a lost answer could not be retried safely. */
export class IdempotencyKeyRequiredError extends AppError {
  static readonly code = 'idempotency_key_required';
  static readonly status = 400;
  constructor() {
    super('An Idempotency-Key header is required, so that a retry cannot move money twice.');
  }
}

/** The body is not JSON. */
export class MalformedJsonError extends AppError {
  static readonly code = 'malformed_json';
  static readonly status = 400;
  constructor() {
    super('The request body is not valid JSON.');
  }
}

/** The caller did not prove who they are. */
export class UnauthorizedError extends AppError {
  static readonly code = 'unauthorized';
  static readonly status = 401;
  constructor(message = 'A valid bearer token is required.') {
    super(message);
  }
}

/** Email and password do not match a user; the same error for an unknown email, so accounts cannot be probed. */
export class InvalidCredentialsError extends AppError {
  static readonly code = 'invalid_credentials';
  static readonly status = 401;
  constructor() {
    super('The email or password is incorrect.');
  }
}

/**
 * A refresh token that is unknown, expired, already spent (which also revokes its session), or whose session or user
 * is no longer live: one answer for all, so a probe learns nothing.
 */
export class InvalidRefreshTokenError extends AppError {
  static readonly code = 'invalid_refresh_token';
  static readonly status = 401;
  constructor() {
    super('The refresh token is not valid; log in again.');
  }
}

/** The caller is known but may not do this (admin-only actions). */
export class ForbiddenError extends AppError {
  static readonly code = 'forbidden';
  static readonly status = 403;
  constructor(message: string) {
    super(message);
  }
}

/** The right password of a user that an admin has disabled: told apart only once the password proved who asks. */
export class UserDisabledError extends AppError {
  static readonly code = 'user_disabled';
  static readonly status = 403;
  constructor() {
    super('This user is disabled.');
  }
}

/** A user does not exist (a token's user that was deleted, an `ownerId` no one has). */
export class UserNotFoundError extends AppError {
  static readonly code = 'user_not_found';
  static readonly status = 404;
  constructor(message = 'No such user.') {
    super(message);
  }
}

/** An account does not exist, or exists but is not the caller's: the two are indistinguishable on purpose. */
export class AccountNotFoundError extends AppError {
  static readonly code = 'account_not_found';
  static readonly status = 404;
  constructor() {
    super('No such account.');
  }
}

/** A transaction does not exist, or neither of its sides is the caller's. */
export class TransactionNotFoundError extends AppError {
  static readonly code = 'transaction_not_found';
  static readonly status = 404;
  constructor() {
    super('No such transaction.');
  }
}

/** No route answers this method and path. */
export class RouteNotFoundError extends AppError {
  static readonly code = 'route_not_found';
  static readonly status = 404;
  constructor(method: string, path: string) {
    super(`No route for ${method} ${path}.`);
  }
}

/** The path exists, but not with this method; `Allow` lists the methods it answers. */
export class MethodNotAllowedError extends AppError {
  static readonly code = 'method_not_allowed';
  static readonly status = 405;
  constructor(method: string, path: string, allowed: readonly string[]) {
    super(`${path} does not answer ${method}; it answers ${allowed.join(', ')}.`, [], MethodNotAllowedError, { allow: allowed.join(', ') });
  }
}

/** Registration with an email that already has a user. */
export class EmailTakenError extends AppError {
  static readonly code = 'email_taken';
  static readonly status = 409;
  constructor() {
    super('An account with this email already exists.');
  }
}

/** The body is over the size limit. */
export class PayloadTooLargeError extends AppError {
  static readonly code = 'payload_too_large';
  static readonly status = 413;
  constructor(limitBytes: number) {
    super(`The request body is larger than ${limitBytes} bytes.`);
  }
}

/** A body that is not declared `application/json` (with no charset, or UTF-8). */
export class UnsupportedMediaTypeError extends AppError {
  static readonly code = 'unsupported_media_type';
  static readonly status = 415;
  constructor() {
    super('The request body must be sent as application/json.');
  }
}

/** A transfer's source and destination are one account. */
export class SameAccountError extends AppError {
  static readonly code = 'same_account';
  static readonly status = 422;
  constructor() {
    super('The source and destination accounts are the same.');
  }
}

/** An account does not hold the movement's currency. */
export class CurrencyMismatchError extends AppError {
  static readonly code = 'currency_mismatch';
  static readonly status = 422;
  constructor(currency: string) {
    super(`Every account must hold the currency of its entry (${currency}).`);
  }
}

/** A user account would go below 0. */
export class InsufficientFundsError extends AppError {
  static readonly code = 'insufficient_funds';
  static readonly status = 422;
  constructor() {
    super('A debited account does not hold enough funds.');
  }
}

/** A balance would pass 2^53 − 1 minor units, beyond which a JSON number is no longer exact. */
export class BalanceLimitExceededError extends AppError {
  static readonly code = 'balance_limit_exceeded';
  static readonly status = 422;
  constructor() {
    super('The movement would take a balance beyond 2^53 − 1 minor units.');
  }
}

/** An `Idempotency-Key` already bound to another request's body. */
export class IdempotencyKeyReusedError extends AppError {
  static readonly code = 'idempotency_key_reused';
  static readonly status = 422;
  constructor() {
    super('This Idempotency-Key was used with a different request.');
  }
}

/** An admin changing its own role or disabling itself, which could leave no admin to undo it. */
export class SelfChangeRefusedError extends AppError {
  static readonly code = 'self_change_refused';
  static readonly status = 422;
  constructor() {
    super('An admin may not change its own role or disable itself; ask another admin.');
  }
}

/**
 * Too many failed logins for one email, or from one source address: no password is checked until `Retry-After`
 * seconds have passed (lib/identity/login-throttle.ts).
 */
export class TooManyAttemptsError extends AppError {
  static readonly code = 'too_many_attempts';
  static readonly status = 429;
  constructor(retryAfterSeconds: number) {
    super(`Too many failed logins; retry in ${retryAfterSeconds} s.`, [], TooManyAttemptsError, { 'retry-after': String(retryAfterSeconds) });
  }
}

/** The accounts stayed contended through every bounded retry; nothing was written, the caller may retry. */
export class LedgerBusyError extends AppError {
  static readonly code = 'ledger_busy';
  static readonly status = 503;
  constructor() {
    super('The accounts are busy; retry the request (with the same Idempotency-Key).');
  }
}

/** DynamoDB did not confirm a ledger write: it may have committed, so only a retry with the same key is safe. */
export class LedgerUnavailableError extends AppError {
  static readonly code = 'ledger_unavailable';
  static readonly status = 503;
  constructor() {
    super('The ledger did not confirm the transfer; retry with the same Idempotency-Key to learn its outcome safely.');
  }
}

/** A read that DynamoDB kept throttling or timing out through the SDK's retries. */
export class StorageUnavailableError extends AppError {
  static readonly code = 'storage_unavailable';
  static readonly status = 503;
  constructor() {
    super('The platform is busy; retry the request.');
  }
}

/** Concurrent registrations of one email kept cancelling each other through every retry. */
export class RegistrationBusyError extends AppError {
  static readonly code = 'registration_busy';
  static readonly status = 503;
  constructor() {
    super('Too many registrations of this email at once; retry the request.');
  }
}

/** The code of every answer that is not an `AppError`: a bug, shown with no message or stack. */
export const internalErrorCode = 'internal_error';

/** Every `AppError` the API can answer with, in the order the README's table lists them. */
export const errorCatalogue = [
  ValidationError, IdempotencyKeyRequiredError, MalformedJsonError, InvalidCursorError, UnauthorizedError, InvalidCredentialsError,
  InvalidRefreshTokenError, MfaCodeRequiredError, ForbiddenError, UserDisabledError, MfaSessionRequiredError, AccountNotFoundError,
  TransactionNotFoundError, HoldNotFoundError, EventNotFoundError, WebhookEndpointNotFoundError, RouteNotFoundError, UserNotFoundError, MethodNotAllowedError, EmailTakenError, MfaNotPendingError,
  PayloadTooLargeError, UnsupportedMediaTypeError, InsufficientFundsError, CurrencyMismatchError, SameAccountError,
  BalanceLimitExceededError, AccountFrozenError, AccountClosedError, AccountNotEmptyError, UnbalancedTransactionError,
  PartialReversalUnsupportedError, ReversalExceedsOriginalError, NotReversibleError, HoldNotPendingError, HoldExpiredError,
  CaptureExceedsHoldError, WebhookUrlRefusedError, WebhookEndpointLimitError,
  IdempotencyKeyReusedError, SelfChangeRefusedError, InvalidTotpError, TooManyAttemptsError, LedgerBusyError, LedgerUnavailableError, StorageUnavailableError, RegistrationBusyError,
] as const;

/** One entry of the catalogue: a class with its static `code` and `status`. */
export type ErrorKind = (typeof errorCatalogue)[number];

/**
 * The HTTP status of a catalogue code (500 for `internal_error`), or `undefined` for a code not in it. One code has two
 * statuses (`mfa_required`: 401 at login, 403 on an action): this answers the first, and routes name their classes.
 */
export function statusOfCode(code: string): number | undefined {
  if (code === internalErrorCode) return 500;
  return errorCatalogue.find((kind) => kind.code === code)?.status;
}
