import { AccountNotFoundError } from '../errors';
import { withoutAdminPower } from '../identity/admin-power';
import type { Caller } from '../identity/model';
import { findAccount } from '../storage/accounts';
import type { AccountRecord } from './model';
import { canSee } from './rules';

/**
 * Reads an account the caller may see, or throws `account_not_found`: a missing account and another's look alike. An
 * admin without admin power is told `mfa_required` instead, for both alike.
 */
export async function visibleAccount(caller: Caller, accountId: string): Promise<AccountRecord> {
  const account = await findAccount(accountId);
  if (!account || !canSee(caller, account)) throw withoutAdminPower(caller, new AccountNotFoundError());
  return account;
}
