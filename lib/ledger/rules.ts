import { createHash } from 'node:crypto';
import {
  AccountNotFoundError, AppError, assert, BalanceLimitExceededError, CurrencyMismatchError, ForbiddenError,
  IdempotencyKeyReusedError, InsufficientFundsError, ReplayedRefusalError,
} from '../errors';
import type { Caller } from '../identity/model';
import {
  shardName, sweepShardsMax, type AccountChange, type AccountRecord, type EntryRecord, type IdempotencyRecord, type Initiator,
  type LedgerWrite, type Refusal, type TransactionRecord, type TransferPlan,
} from './model';
import { amountMinorMax, type TransactionView, type TransferBody } from './schemas';

/*
 * The ledger's rules, as pure functions of records already read: no storage, no clock, no randomness of their own.
 * `transfers.ts` reads, calls these, and writes; the write's conditions make sure the reads are still current when
 * it commits.
 */

/** Whether the caller may see an account: its owner, or an admin. */
export function canSee(caller: Caller, account: { ownerId: string }): boolean {
  return caller.role === 'admin' || account.ownerId === caller.userId;
}

/** What a new transaction is given from outside the rules: its id, its time, and who initiated it. */
export interface Minted {
  id: string;
  createdAt: string;
  initiatedBy: Initiator;
}

/**
 * The largest balance magnitude one shard may hold: all of an account's shards together then stay within
 * `amountMinorMax`, so its balance is always an exact JSON integer.
 */
export function shardLimit(account: Pick<AccountRecord, 'shards'>): number {
  return Math.floor(amountMinorMax / account.shards);
}

/**
 * Checks every rule of a transfer against the shards it posts to, as read, and builds its transaction. A user
 * account's debit is always planned on shard 0 (the only shard its floor is kept on), so its funds there must cover
 * it; a hot account's caller sweeps its other shards into shard 0 first (`planSweep`) when they do not.
 */
export function planTransfer(
  caller: Caller,
  input: TransferBody,
  from: AccountRecord | undefined,
  to: AccountRecord | undefined,
  minted: Minted,
): Omit<TransferPlan, 'idempotency'> {
  if (!from || !canSee(caller, from)) throw new AccountNotFoundError();
  if (!to) throw new AccountNotFoundError();
  if (from.type === 'system' && caller.role !== 'admin') {
    throw new ForbiddenError('Only admins move money out of system accounts.');
  }
  if (from.currency !== input.currency || to.currency !== input.currency) throw new CurrencyMismatchError(input.currency);
  assert(from.type === 'system' || from.shard === 0, 'a user account is debited on shard 0, where its floor is kept');
  const fromAfter = from.balance - input.amount;
  const toAfter = to.balance + input.amount;
  if (from.type === 'user' && fromAfter < 0) throw new InsufficientFundsError();
  if (toAfter > shardLimit(to) || fromAfter < -shardLimit(from)) throw new BalanceLimitExceededError();
  const transaction: TransactionRecord = {
    id: minted.id,
    kind: 'transfer',
    status: 'posted',
    amount: input.amount,
    currency: input.currency,
    fromAccountId: from.id,
    toAccountId: to.id,
    description: input.description ?? null,
    createdAt: minted.createdAt,
    entries: [
      { accountId: from.id, direction: 'debit', amount: input.amount, balanceAfter: fromAfter, shard: shardOfEntry(from) },
      { accountId: to.id, direction: 'credit', amount: input.amount, balanceAfter: toAfter, shard: shardOfEntry(to) },
    ],
    fromOwnerId: from.ownerId,
    toOwnerId: to.ownerId,
    initiatedBy: minted.initiatedBy,
  };
  assertBalanced(transaction);
  return { transaction, legs: [from, to] };
}

/** An entry names its shard only on an account of several. */
function shardOfEntry(account: AccountRecord): number | null {
  return account.shards > 1 ? account.shard : null;
}

/**
 * What a sweep comes to: the debit is more than shard 0 may ever hold, the shards hold too little in all, shard 0
 * already covers the debit, or this sweep.
 */
export type Sweep =
  | { kind: 'too_large' }
  | { kind: 'insufficient' }
  | { kind: 'covered' }
  | { kind: 'sweep'; plan: Omit<TransferPlan, 'idempotency'> };

/**
 * A sweep of a hot user account: moves funds from its other shards into shard 0 until shard 0 holds `needed`, taking
 * the fullest shards first (whole, so later debits need fewer sweeps; the last one only as far as shard 0's limit
 * allows), at most `sweepShardsMax` at once (a debit that needs more sweeps again). `shards` is every shard of the
 * account, read together (`readShards`). When all the shards together hold less than `needed`, the debit is refused for
 * funds, exactly as on an account of one shard.
 */
export function planSweep(shards: readonly AccountRecord[], needed: number, minted: Minted): Sweep {
  const main = shards.find((shard) => shard.shard === 0);
  assert(main !== undefined && main.shards === shards.length && main.shards > 1, 'a sweep reads every shard of a hot account');
  assert(main.type === 'user', 'only a user account has a floor to sweep for');
  if (main.balance >= needed) return { kind: 'covered' };
  const total = shards.reduce((sum, shard) => sum + shard.balance, 0);
  if (total < needed) return { kind: 'insufficient' };
  if (needed > shardLimit(main)) return { kind: 'too_large' };
  // Room for at least `needed − main.balance`, since `needed` is within shard 0's limit.
  const room = shardLimit(main) - main.balance;
  const fullest = shards.filter((shard) => shard.shard !== 0 && shard.balance > 0)
    .sort((a, b) => b.balance - a.balance)
    .slice(0, sweepShardsMax);
  const legs: AccountRecord[] = [];
  const entries: EntryRecord[] = [];
  let moved = 0;
  for (const shard of fullest) {
    if (main.balance + moved >= needed) break;
    const amount = Math.min(shard.balance, room - moved);
    legs.push(shard);
    entries.push({ accountId: main.id, direction: 'debit', amount, balanceAfter: shard.balance - amount, shard: shard.shard });
    moved += amount;
  }
  legs.push(main);
  entries.push({ accountId: main.id, direction: 'credit', amount: moved, balanceAfter: main.balance + moved, shard: 0 });
  const transaction: TransactionRecord = {
    id: minted.id,
    kind: 'sweep',
    status: 'posted',
    amount: moved,
    currency: main.currency,
    fromAccountId: main.id,
    toAccountId: main.id,
    description: null,
    createdAt: minted.createdAt,
    entries,
    fromOwnerId: main.ownerId,
    toOwnerId: main.ownerId,
    initiatedBy: minted.initiatedBy,
  };
  assertBalanced(transaction);
  return { kind: 'sweep', plan: { transaction, legs } };
}

/** The shards as a plan leaves them: what the next transaction of a batch on them is planned against. */
export function accountsAfter({ transaction, legs }: Omit<TransferPlan, 'idempotency'>): AccountRecord[] {
  return legs.map((leg, index) => ({
    ...leg, balance: transaction.entries[index]!.balanceAfter, seq: leg.seq + 1, updatedAt: transaction.createdAt,
  }));
}

/** Debits equal credits, and each entry moves its account by exactly the amount. A failure here is a bug. */
export function assertBalanced(txn: TransactionRecord): void {
  const debits = txn.entries.filter((e) => e.direction === 'debit').reduce((sum, e) => sum + e.amount, 0);
  const credits = txn.entries.filter((e) => e.direction === 'credit').reduce((sum, e) => sum + e.amount, 0);
  assert(debits === credits && debits === txn.amount, 'a transaction debits exactly what it credits');
  assert(Number.isSafeInteger(txn.amount) && txn.amount > 0, 'a transaction moves a positive integer amount');
  assert(txn.entries.every((e) => Number.isSafeInteger(e.amount) && e.amount > 0), 'every entry moves a positive integer amount');
}

/**
 * The one write of a batch of plans: each shard's change summed once, in the order the plans first touch the shards.
 * Asserts that the plans chain: every entry starts from the state the previous one on that shard left, so the
 * entries' sequence numbers and balances run on without gaps.
 */
export function ledgerWrite(plans: readonly TransferPlan[]): LedgerWrite {
  assert(plans.length > 0, 'a ledger write holds at least one transaction');
  const changes = new Map<string, AccountChange>();
  for (const { transaction: txn, legs } of plans) {
    assert(legs.length === txn.entries.length, 'a plan names the shard of each entry');
    txn.entries.forEach((entry, index) => {
      const leg = legs[index]!;
      assert(leg.id === entry.accountId, 'each entry posts to its own account\'s shard');
      const name = shardName(leg.id, leg.shard);
      const change = changes.get(name) ?? { read: leg, deltaMinor: 0, entries: 0, sweeps: 0 };
      assert(leg.seq === change.read.seq + change.entries, 'a batch\'s entries chain on each shard\'s sequence');
      assert(leg.balance === change.read.balance + change.deltaMinor, 'a batch\'s entries chain on each shard\'s balance');
      change.deltaMinor += entry.direction === 'credit' ? entry.amount : -entry.amount;
      change.entries += 1;
      if (txn.kind === 'sweep' && entry.direction === 'credit') change.sweeps += 1;
      changes.set(name, change);
    });
  }
  return { accounts: [...changes.values()], transfers: [...plans] };
}

/** A hash of the request's meaning: the same fields in any key order hash alike. */
export function hashRequest(input: TransferBody): string {
  const canonical = JSON.stringify([
    input.fromAccountId, input.toAccountId, input.amount, input.currency, input.description ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** What a key binds once its transfer posts: the request's hash and the transaction, kept for `ttlSeconds`. */
export function postedRecord(transaction: TransactionRecord, requestHash: string, ttlSeconds: number): IdempotencyRecord {
  return { requestHash, outcome: 'posted', transaction, expiresAt: epochSeconds(transaction.createdAt) + ttlSeconds };
}

/**
 * Whether a refusal binds the key it came under: every 422 of the ledger's rules does, so a retry replays it instead
 * of trying again once the balance has moved. A 4xx that says the request never reached the rules (403, 404) binds
 * nothing, and neither does `idempotency_key_reused`, which is the key's own answer.
 */
export function bindsKey(error: unknown): error is AppError {
  return error instanceof AppError && error.status === 422 && !(error instanceof IdempotencyKeyReusedError);
}

/** What a key binds once its transfer is refused: the refusal as the caller was shown it. */
export function refusedRecord(error: AppError, requestHash: string, now: string, ttlSeconds: number): IdempotencyRecord {
  const refusal: Refusal = { status: error.status, code: error.code, detail: error.message };
  return { requestHash, outcome: 'refused', refusal, expiresAt: epochSeconds(now) + ttlSeconds };
}

function epochSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

/**
 * Replays the outcome bound to a key: the posted transaction as the caller may see it, or the refusal, thrown again
 * as it was first answered. A different request under the same key is refused.
 */
export function replay(caller: Caller, record: IdempotencyRecord, requestHash: string): TransactionView {
  if (record.requestHash !== requestHash) throw new IdempotencyKeyReusedError();
  if (record.outcome === 'refused') throw new ReplayedRefusalError(record.refusal);
  return transactionView(caller, record.transaction);
}

/**
 * A transaction as the caller may see it: the balance an entry leaves is shown only on accounts the caller may see
 * (paying the settlement account must not reveal the platform's float) and only on accounts of one shard (on a hot
 * account it would be one shard's part, which means nothing to a client), and who initiated it only to admins.
 */
export function transactionView(caller: Caller, txn: TransactionRecord): TransactionView {
  const { fromOwnerId, toOwnerId, initiatedBy, kind: _kind, ...rest } = txn;
  const ownerOf = (accountId: string) => (accountId === txn.fromAccountId ? fromOwnerId : toOwnerId);
  const entries = txn.entries.map(({ shard, ...entry }) => (shard === null && canSee(caller, { ownerId: ownerOf(entry.accountId) })
    ? entry
    : { ...entry, balanceAfter: null }));
  return { ...rest, entries, ...(caller.role === 'admin' ? { initiatedBy } : {}) };
}
