import { AccountNotFoundError, StorageUnavailableError } from '../errors';
import { withoutAdminPower } from '../identity/admin-power';
import type { Caller } from '../identity/model';
import { deadlinePassed } from '../request-context';
import { readShards } from '../storage/accounts';
import { findAccountProfile, writeAccountProfile, writeAccountStatus } from '../storage/account-changes';
import { visibleAccount } from './access';
import { toAccountView, withBalance } from './accounts';
import { backoff, retryPolicy } from './backoff';
import { latestOf } from './instants';
import type { AccountRecord } from './model';
import { canSee } from './rules';
import type { AccountView, UpdateAccountBody } from './schemas';
import { mergeMetadata, planStatusChange, type StatusAction } from './status';

/**
 * Whether a status change or an edit that met another change first may read and try again: within the ledger's retry
 * bounds (attempts and time, as a transfer) and the request's deadline; past them it is answered busy (503), with
 * nothing written.
 */
function mayRetry(attempt: number, startedMs: number): boolean {
  return attempt + 1 < retryPolicy.attemptsMax && Date.now() - startedMs < retryPolicy.budgetMs && !deadlinePassed();
}

/**
 * Freezes, unfreezes or closes an account (`lib/ledger/status.ts` has the rules): reads every shard, plans the new
 * status, and writes it on all of them at once, conditioned on what was read. A change that meets another one, or a
 * movement that changed a shard a close was planned on, is read and planned again: a close that lost to a credit is
 * then refused `account_not_empty`, one that lost to another close `account_closed`.
 */
export async function changeAccountStatus(caller: Caller, accountId: string, action: StatusAction): Promise<AccountView> {
  let ambiguous = false;
  const startedMs = Date.now();
  for (let attempt = 0; ; attempt += 1) {
    const account = await visibleAccount(caller, accountId);
    const shards = account.shards > 1 ? await readShards(account) : [account];
    const target = action === 'freeze' ? 'frozen' : action === 'unfreeze' ? 'active' : 'closed';
    // A send that got no answer may have committed: the status it set is then this request's own answer.
    if (ambiguous && account.status === target) return viewOf(shards);
    const next = planStatusChange(caller, shards, action);
    if (next === undefined) return viewOf(shards);
    const now = new Date().toISOString();
    const outcome = await writeAccountStatus(shards, next, action === 'close', now);
    if (outcome.written) return viewOf(shards.map((shard) => ({ ...shard, status: next, updatedAt: latestOf([now, shard.updatedAt]) })));
    ambiguous ||= outcome.ambiguous;
    if (!mayRetry(attempt, startedMs)) throw new StorageUnavailableError();
    await backoff(attempt);
  }
}

/** An account as the API shows it, from all its shards as read: shard 0 first, the balance their sum. */
function viewOf(shards: readonly AccountRecord[]): AccountView {
  return toAccountView({ ...shards[0]!, balance: shards.reduce((sum, shard) => sum + shard.balance, 0) });
}

/**
 * Changes an account's name and metadata (owner or admin), in any status: they are the client's bookkeeping, and a
 * closed account may still be labelled. Metadata merges into what is stored (`mergeMetadata`); an edit that meets
 * another one is merged again onto it, so neither loses its keys.
 */
export async function updateAccount(caller: Caller, accountId: string, input: UpdateAccountBody): Promise<AccountView> {
  const startedMs = Date.now();
  for (let attempt = 0; ; attempt += 1) {
    const read = await findAccountProfile(accountId);
    if (!read || !canSee(caller, read.account)) throw withoutAdminPower(caller, new AccountNotFoundError());
    const edited: AccountRecord = {
      ...read.account,
      name: input.name === undefined ? read.account.name : input.name,
      metadata: input.metadata === undefined ? read.account.metadata : mergeMetadata(read.account.metadata, input.metadata),
      // Never back: entries are minted from it (`mintedAt`), and this process's clock may be behind the last one.
      updatedAt: latestOf([new Date().toISOString(), read.account.updatedAt]),
    };
    if (await writeAccountProfile(edited, read.revision, edited.updatedAt)) return withBalance(edited);
    if (!mayRetry(attempt, startedMs)) throw new StorageUnavailableError();
    await backoff(attempt);
  }
}

