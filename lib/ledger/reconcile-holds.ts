import { shardName } from './model';
import type { ScannedAccount, ScannedHold, ScannedTransaction } from './scanned';

/**
 * What is wrong with the holds, as `[check, subject, detail]` triples for the reconciler:
 * - each shard reserves (`pending`) exactly the sum of the pending holds reserved on it (a user account's on shard 0);
 * - a user account's shard 0 holds at least what it reserves (`balance − pending` ≥ 0: its floor is on what is available);
 * - a hold is well formed; a captured hold's transaction is a capture of it, of `capturedAmount` from its source to its
 *   destination, and every capture names a hold captured by it; a hold not captured captured nothing;
 * - each hold has its copy in both its accounts' lists, agreeing with it (`copies` are read only for the accounts read).
 */
export function holdViolations(
  holds: readonly ScannedHold[],
  accounts: ReadonlyMap<string, ScannedAccount>,
  transactions: ReadonlyMap<string, ScannedTransaction>,
): Array<[check: string, subject: string, detail: string]> {
  const found: Array<[string, string, string]> = [];
  const items = holds.filter((hold) => !hold.copy);
  const byId = new Map(items.map((hold) => [hold.id, hold]));
  const reserved = new Map<string, bigint>();
  for (const hold of items) {
    const { amount, capturedAmount, status } = hold;
    if (amount === undefined || amount <= 0n || capturedAmount === undefined || capturedAmount < 0n || capturedAmount > amount
      || !['pending', 'captured', 'voided', 'expired'].includes(String(status))) {
      found.push(['hold_well_formed', hold.key, `status ${status}, amount ${amount}, captured ${capturedAmount}`]);
      continue;
    }
    const shard = shardName(String(hold.fromAccountId), hold.reservedShard);
    if (status === 'pending') reserved.set(shard, (reserved.get(shard) ?? 0n) + amount);
    const txn = hold.transactionId === undefined ? undefined : transactions.get(hold.transactionId);
    if (status === 'captured') {
      const [debit, credit] = [txn?.entries.find((e) => e.direction === 'debit'), txn?.entries.find((e) => e.direction === 'credit')];
      if (!txn || txn.kind !== 'capture' || txn.holdId !== hold.id || txn.amount !== capturedAmount
        || debit?.accountId !== hold.fromAccountId || credit?.accountId !== hold.toAccountId) {
        found.push(['hold_capture', hold.key, `captured ${capturedAmount} by ${hold.transactionId}, which is not its capture`]);
      }
    } else if (capturedAmount !== 0n || hold.transactionId !== undefined) {
      found.push(['hold_capture', hold.key, `${status}, yet captured ${capturedAmount} by ${hold.transactionId}`]);
    }
  }
  for (const txn of transactions.values()) {
    if (txn.kind !== 'capture') continue;
    const hold = txn.holdId === undefined ? undefined : byId.get(txn.holdId);
    if (!hold || hold.transactionId !== txn.id) found.push(['hold_capture', txn.key, `a capture of hold ${txn.holdId}, which does not name it`]);
  }
  for (const copy of holds.filter((hold) => hold.copy)) {
    const hold = byId.get(copy.id);
    if (!hold || hold.status !== copy.status || hold.capturedAmount !== copy.capturedAmount) {
      found.push(['hold_copy', copy.key, `copy ${copy.status} of a hold ${hold?.status ?? 'missing'}`]);
    }
  }
  for (const account of accounts.values()) {
    const expected = reserved.get(shardName(account.id, account.shard)) ?? 0n;
    if (account.pending !== expected || (account.type === 'user' && account.shard !== 0 && expected !== 0n)) {
      found.push(['account_pending', account.key, `pending ${account.pending}, its pending holds reserve ${expected}`]);
    }
    if (account.type === 'user' && account.shard === 0 && account.balance !== undefined && account.pending !== undefined
      && account.balance < account.pending) {
      found.push(['user_available_non_negative', account.key, `balance ${account.balance}, pending ${account.pending}`]);
    }
  }
  for (const shard of reserved.keys()) {
    if (!accounts.has(shard)) found.push(['hold_account_exists', shard, 'pending holds of a missing shard']);
  }
  return found;
}
