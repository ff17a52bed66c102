import { AccountClosedError, AccountFrozenError, AccountNotEmptyError, assert, ForbiddenError, ValidationError } from '../errors';
import { usesAdminPower, withoutAdminPower } from '../identity/admin-power';
import type { Caller } from '../identity/model';
import { metadataKeysMax } from './fields';
import type { AccountRecord, AccountStatus, Metadata } from './model';

/*
 * The rules of account status and metadata, as pure functions of records already read. Every planner of a movement
 * (a transfer, a transaction of many entries, a reversal) calls `assertMayDebit` on each account it debits and
 * `assertMayCredit` on each it credits, so that a refusal is a clear 422 before anything is written; the ledger
 * write then restates both as conditions on each shard it writes (`balanceUpdate` in lib/storage/accounts.ts), so
 * that no movement commits against a status it was not planned with.
 */

/** Refuses a debit from an account that is not active: frozen (`account_frozen`) or closed (`account_closed`). */
export function assertMayDebit(account: Pick<AccountRecord, 'status'>): void {
  if (account.status === 'closed') throw new AccountClosedError();
  if (account.status === 'frozen') throw new AccountFrozenError();
}

/** Refuses a credit to a closed account; a frozen one still takes credits. */
export function assertMayCredit(account: Pick<AccountRecord, 'status'>): void {
  if (account.status === 'closed') throw new AccountClosedError();
}

/** A change of status a caller asks for. */
export type StatusAction = 'freeze' | 'unfreeze' | 'close';

/**
 * The status an action leaves an account in, checked against every shard of the account as read (its one item for
 * an account of one shard), or `undefined` when the account already has it (a freeze of a frozen account, an unfreeze
 * of an active one: answered as they are, so that a retried request answers alike).
 * - Only admins freeze and unfreeze (`forbidden` for the owner).
 * - A closed account never changes again (`account_closed`, a close of it included).
 * - A close needs the balance, the sum of every shard, at 0 (`account_not_empty`); the write is conditioned on each
 *   shard's `seq` as read, so the balance is still 0 when it commits.
 * - A frozen account is closed by an admin only (`account_frozen` for its owner): a freeze is a hold that an admin
 *   lifts or ends, and its owner may not end it by closing the account.
 */
export function planStatusChange(caller: Caller, shards: readonly AccountRecord[], action: StatusAction): AccountStatus | undefined {
  const main = shards[0];
  assert(main !== undefined && main.shard === 0 && shards.length === main.shards, 'a status change reads every shard of its account');
  assert(shards.every((shard) => shard.status === main.status), 'every shard of an account has its status');
  const admin = usesAdminPower(caller);
  if (action !== 'close' && !admin) throw withoutAdminPower(caller, new ForbiddenError('Only admins freeze and unfreeze accounts.'));
  if (main.status === 'closed') throw new AccountClosedError();
  if (action === 'freeze') return main.status === 'frozen' ? undefined : 'frozen';
  if (action === 'unfreeze') return main.status === 'active' ? undefined : 'active';
  if (main.status === 'frozen' && !admin) throw withoutAdminPower(caller, new AccountFrozenError('A frozen account is closed by an admin only.'));
  if (shards.reduce((sum, shard) => sum + shard.balance, 0) !== 0) throw new AccountNotEmptyError();
  return 'closed';
}

/**
 * Merges a metadata edit into an account's metadata, as Stripe does: each key given is set, a key given as `""` is
 * removed, and keys not given are kept. The result holds at most 20 keys, like any metadata (`validation_failed`).
 * A new account's metadata is the merge of its request into `{}`, so it never stores an empty value either.
 */
export function mergeMetadata(current: Metadata, edit: Metadata): Metadata {
  const merged = new Map(Object.entries(current));
  for (const [key, value] of Object.entries(edit)) {
    if (value === '') merged.delete(key);
    else merged.set(key, value);
  }
  if (merged.size > metadataKeysMax) {
    throw new ValidationError(`An account holds at most ${metadataKeysMax} metadata keys; remove some with "".`, [
      { path: 'body.metadata', message: `The merged metadata would hold ${merged.size} keys; at most ${metadataKeysMax}.` },
    ]);
  }
  return Object.fromEntries(merged);
}
