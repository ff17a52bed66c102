import { TransactionNotFoundError } from '../errors';
import { usesAdminPower, withoutAdminPower } from '../identity/admin-power';
import type { Caller } from '../identity/model';
import { findTransaction } from '../storage/transactions';
import type { TransactionRecord } from './model';
import type { TransactionView } from './schemas';
import { transactionView } from './transaction-view';

/*
 * One transaction, read by id: what `GET /v1/transactions/{id}` shows and what a reversal reverses. Apart from the
 * statements (`transactions.ts`), so that neither of those functions bundles the statement and history code.
 */

/**
 * A transaction the caller may see: it owns an account of an entry, or is an admin with admin power (an admin without
 * it is told `mfa_required`).
 */
export async function getTransaction(caller: Caller, transactionId: string): Promise<TransactionView> {
  return transactionView(caller, await findVisibleTransaction(caller, transactionId));
}

/**
 * Reads a transaction the caller may see, or refuses with `transaction_not_found` (one answer for one that does not
 * exist and one that is not the caller's). A sweep is bookkeeping, shown to no one.
 */
export async function findVisibleTransaction(caller: Caller, transactionId: string): Promise<TransactionRecord> {
  const txn = await findTransaction(transactionId);
  const visible = txn && txn.kind !== 'sweep'
    && (usesAdminPower(caller) || txn.entries.some((entry) => entry.ownerId === caller.userId));
  if (!visible) throw withoutAdminPower(caller, new TransactionNotFoundError());
  return txn;
}
