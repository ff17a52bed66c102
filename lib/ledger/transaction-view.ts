import { usesAdminPower } from '../identity/admin-power';
import type { Caller } from '../identity/model';
import type { TransactionRecord } from './model';
import { canSee } from './rules';
import type { TransactionView } from './schemas';

/**
 * A transaction as the caller may see it: the balance an entry leaves is shown only on accounts the caller may see
 * (paying the settlement account must not reveal the platform's float) and only on accounts of one shard (on a hot
 * account it would be one shard's part, which means nothing to a client), and who initiated it only to admins with
 * admin power.
 * A sweep is never shown, so it never comes here.
 */
export function transactionView(caller: Caller, txn: TransactionRecord): TransactionView {
  const { initiatedBy, kind, ...rest } = txn;
  if (kind === 'sweep') throw new Error('A sweep is bookkeeping, shown to no one.');
  const entries = txn.entries.map(({ shard, ownerId, ...entry }) => (shard === null && canSee(caller, { ownerId })
    ? entry
    : { ...entry, balanceAfter: null }));
  const pair = txn.fromAccountId !== null;
  return {
    ...rest,
    type: kind,
    amount: pair ? txn.amount : null,
    entries,
    ...(usesAdminPower(caller) ? { initiatedBy } : {}),
  };
}
