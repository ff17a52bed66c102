import { randomUUID } from 'node:crypto';
import { openCursor, sealCursor } from '../cursor';
import { ForbiddenError, UserNotFoundError } from '../errors';
import { requireAdminPower } from '../identity/admin-power';
import type { Caller } from '../identity/model';
import { insertAccount, queryAccountsOfOwner, readShards } from '../storage/accounts';
import { findUserById } from '../storage/users';
import { visibleAccount } from './access';
import { balanceAsOf } from './history';
import type { AccountRecord } from './model';
import { mergeMetadata } from './status';
import type { AccountView, BalanceView, CreateAccountBody, ListAccountsQuery } from './schemas';

/**
 * Opens an account with balance 0. Only admins with admin power (an MFA session) open `system` accounts (which may go negative: they stand for money
 * outside the platform), accounts for another owner, and hot accounts (`shards` > 1: a settlement account, a large
 * merchant), whose balance is spread over shards so that many instances can write it at once.
 */
export async function createAccount(caller: Caller, input: CreateAccountBody): Promise<AccountView> {
  const type = input.type ?? 'user';
  const ownerId = input.ownerId ?? caller.userId;
  const shards = input.shards ?? 1;
  if (type === 'system' || ownerId !== caller.userId || shards > 1) {
    requireAdminPower(caller, new ForbiddenError('Only admins open system accounts, hot accounts, or accounts for another user.'));
  }
  if (ownerId !== caller.userId && !(await findUserById(ownerId))) {
    throw new UserNotFoundError('No user has that ownerId.');
  }
  const now = new Date().toISOString();
  const account: AccountRecord = {
    id: randomUUID(),
    ownerId,
    type,
    currency: input.currency,
    name: input.name ?? null,
    status: 'active',
    metadata: mergeMetadata({}, input.metadata ?? {}),
    shards,
    shard: 0,
    balance: 0,
    pending: 0,
    seq: 0,
    createdAt: now,
    updatedAt: now,
  };
  await insertAccount(account);
  return toAccountView(account);
}

/** The caller's accounts, oldest first; an admin may list another owner's with `ownerId`. */
export async function listAccounts(caller: Caller, query: ListAccountsQuery) {
  const ownerId = query.ownerId ?? caller.userId;
  if (ownerId !== caller.userId) requireAdminPower(caller, new ForbiddenError("Only admins list another user's accounts."));
  // A cursor serves one owner's list: an admin's page of another owner's accounts resumes only that owner's.
  const scope = `accounts:${ownerId}`;
  const after = query.cursor ? await openCursor(scope, query.cursor, (value) => value.startsWith('ACCOUNT#')) : undefined;
  const page = await queryAccountsOfOwner(ownerId, query.limit, after);
  return {
    data: await Promise.all(page.accounts.map(withBalance)),
    nextCursor: page.nextAfter ? await sealCursor(scope, page.nextAfter) : null,
  };
}

/** One account the caller may see. */
export async function getAccount(caller: Caller, accountId: string): Promise<AccountView> {
  return withBalance(await visibleAccount(caller, accountId));
}

/**
 * An account's balance from a strongly consistent read: of its one item, or, for a hot account, of all its shards
 * (`readShards`), which includes every transfer answered before the read began. With `at`, its balance at that time
 * instead (`balanceAsOf`).
 */
export async function getBalance(caller: Caller, accountId: string, at?: string): Promise<BalanceView> {
  if (at !== undefined) return balanceAsOf(caller, accountId, at);
  const { id, currency, balance, pending, available } = await withBalance(await visibleAccount(caller, accountId));
  return { accountId: id, currency, balance, pending, available, asOf: new Date().toISOString() };
}

/**
 * The account as the API shows it, with its whole balance (a hot account's is the sum of its shards) and what its
 * pending holds reserve (kept on shard 0).
 */
export async function withBalance(account: AccountRecord): Promise<AccountView> {
  if (account.shards === 1) return toAccountView(account);
  const shards = await readShards(account);
  const sum = (of: (shard: AccountRecord) => number) => shards.reduce((total, shard) => total + of(shard), 0);
  return toAccountView({ ...shards[0]!, balance: sum((shard) => shard.balance), pending: sum((shard) => shard.pending) });
}

/** The account as the API shows it: without its internal shard and sequence numbers, with what is `available`. */
export function toAccountView(account: AccountRecord): AccountView {
  const { seq: _seq, shard: _shard, ...view } = account;
  return { ...view, available: account.balance - account.pending };
}
