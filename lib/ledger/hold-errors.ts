import { AppError } from '../app-error';

/*
 * The refusals of holds (lib/ledger/holds.ts), in a module of their own; lib/errors.ts re-exports them and lists them
 * in the catalogue.
 */

/** No hold has that id, or the caller may not see it (its creator, either account's owner, or an admin may). */
export class HoldNotFoundError extends AppError {
  static readonly code = 'hold_not_found';
  static readonly status = 404;
  constructor() {
    super('No hold with that id is visible to you.');
  }
}

/** A capture or void of a hold that is already captured, voided or expired: a hold is resolved once. */
export class HoldNotPendingError extends AppError {
  static readonly code = 'hold_not_pending';
  static readonly status = 422;
  constructor(status?: string) {
    super(status ? `The hold is already ${status}: a hold is captured, voided or expires once.` : 'The hold is no longer pending.');
  }
}

/** A capture or void at or after the hold's `expiresAt`: its funds are released by the expiry sweep. */
export class HoldExpiredError extends AppError {
  static readonly code = 'hold_expired';
  static readonly status = 422;
  constructor() {
    super('The hold has expired: it can no longer be captured or voided, and its funds are released.');
  }
}

/** A capture of more than the hold reserved. */
export class CaptureExceedsHoldError extends AppError {
  static readonly code = 'capture_exceeds_hold';
  static readonly status = 422;
  constructor(held: number) {
    super(`A capture may take at most the ${held} the hold reserved.`);
  }
}
