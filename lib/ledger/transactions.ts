import { TransactionNotFoundError } from '../errors';
import type { Caller } from '../identity/model';
import { findTransaction, queryStatement } from '../storage/transactions';
import { visibleAccount } from './access';
import { decodeCursor, encodeCursor } from './cursor';
import { transactionView } from './rules';
import type { StatementQuery, TransactionView } from './schemas';

/** A transaction the caller may see: it owns either side, or is an admin. */
export async function getTransaction(caller: Caller, transactionId: string): Promise<TransactionView> {
  const txn = await findTransaction(transactionId);
  const visible = txn && (caller.role === 'admin' || txn.fromOwnerId === caller.userId || txn.toOwnerId === caller.userId);
  if (!visible) throw new TransactionNotFoundError();
  return transactionView(caller, txn);
}

/**
 * An account's statement: its transactions newest first, each with its entries. The cursor is the sequence number of
 * the last one shown, so no transaction repeats or goes missing across pages while new ones land.
 */
export async function listAccountTransactions(caller: Caller, accountId: string, query: StatementQuery) {
  await visibleAccount(caller, accountId);
  const beforeSeq = query.cursor
    ? Number(decodeCursor(query.cursor, (value) => /^[1-9][0-9]{0,15}$/.test(value)))
    : undefined;
  const page = await queryStatement(accountId, query.limit, beforeSeq);
  return {
    data: page.transactions.map((txn) => transactionView(caller, txn)),
    nextCursor: page.nextBeforeSeq === null ? null : encodeCursor(String(page.nextBeforeSeq)),
  };
}
