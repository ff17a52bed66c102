import { AppError } from '../app-error';

/*
 * The refusals of account status (lib/ledger/status.ts), in a module of their own; lib/errors.ts re-exports them and
 * lists them in the catalogue.
 */

/** A debit from an account an admin has frozen: it still takes credits until it is unfrozen. */
export class AccountFrozenError extends AppError {
  static readonly code = 'account_frozen';
  static readonly status = 422;
  constructor(message = 'The account is frozen: it takes credits but no debits until an admin unfreezes it.') {
    super(message);
  }
}

/** Any movement of a closed account, or any status change of one: a closed account never reopens. */
export class AccountClosedError extends AppError {
  static readonly code = 'account_closed';
  static readonly status = 422;
  constructor() {
    super('The account is closed: it takes no debits or credits, and it never reopens.');
  }
}

/** A close of an account whose balance is not 0: its money must be moved out first. */
export class AccountNotEmptyError extends AppError {
  static readonly code = 'account_not_empty';
  static readonly status = 422;
  constructor() {
    super('Only an account with a balance of 0 can be closed; move its money out first.');
  }
}
