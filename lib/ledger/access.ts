import { AccountNotFoundError } from '../errors';
import type { Caller } from '../identity/model';
import { findAccount, type AccountRecord } from '../storage/ledger-store';

/** Whether the caller may see an account: its owner, or an admin. */
export function canSee(caller: Caller, account: { ownerId: string }): boolean {
  return caller.role === 'admin' || account.ownerId === caller.userId;
}

/** The error for an account that is missing or not the caller's: the two are indistinguishable on purpose. */
export function accountNotFound(): AccountNotFoundError {
  return new AccountNotFoundError();
}

/** Reads an account the caller may see, or throws `account_not_found`. */
export async function visibleAccount(caller: Caller, accountId: string): Promise<AccountRecord> {
  const account = await findAccount(accountId);
  if (!account || !canSee(caller, account)) throw accountNotFound();
  return account;
}
