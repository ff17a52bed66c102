import { AppError } from '../app-error';

/*
 * The refusals of multi-entry transactions and reversals (the catalogue, `lib/errors.ts`, lists them with the rest).
 * Each is a 422 of the ledger's rules, so each binds the idempotency key it came under.
 */

/** A transaction's debits and credits differ in some currency. */
export class UnbalancedTransactionError extends AppError {
  static readonly code = 'unbalanced_transaction';
  static readonly status = 422;
  constructor(currencies: readonly string[]) {
    super(`Debits must equal credits in each currency; they differ in ${currencies.join(', ')}.`);
  }
}

/** A partial `amount` asked of a reversal of anything but one debit and one credit. */
export class PartialReversalUnsupportedError extends AppError {
  static readonly code = 'partial_reversal_unsupported';
  static readonly status = 422;
  constructor() {
    super('Only a transaction of one debit and one credit can be reversed in part; reverse this one in full.');
  }
}

/** The reversals of a transaction would add up to more than it, or to more reversals than one transaction keeps. */
export class ReversalExceedsOriginalError extends AppError {
  static readonly code = 'reversal_exceeds_original';
  static readonly status = 422;
  /** `remaining`, what is left of the original to reverse, when it is known as read. */
  constructor(remaining?: number) {
    super(`The reversals of a transaction cannot add up to more than it${remaining === undefined ? '' : `; ${remaining} remains to reverse`}.`);
  }
}

/** A reversal cannot itself be reversed: post a new transaction instead. */
export class NotReversibleError extends AppError {
  static readonly code = 'not_reversible';
  static readonly status = 422;
  constructor() {
    super('A reversal cannot be reversed; post a new transaction instead.');
  }
}
