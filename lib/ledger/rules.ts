import { createHash } from 'node:crypto';
import {
  AccountNotFoundError, AppError, assert, BalanceLimitExceededError, CurrencyMismatchError, ForbiddenError,
  IdempotencyKeyReusedError, InsufficientFundsError, ReplayedRefusalError,
} from '../errors';
import type { Caller } from '../identity/model';
import type {
  AccountChange, AccountRecord, IdempotencyRecord, Initiator, LedgerWrite, Refusal, TransactionRecord, TransferPlan,
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

/** Checks every rule of a transfer against the accounts as read, and builds its transaction. */
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
  const fromAfter = from.balance - input.amount;
  const toAfter = to.balance + input.amount;
  if (from.type === 'user' && fromAfter < 0) throw new InsufficientFundsError();
  if (toAfter > amountMinorMax || fromAfter < -amountMinorMax) throw new BalanceLimitExceededError();
  const transaction: TransactionRecord = {
    id: minted.id,
    status: 'posted',
    amount: input.amount,
    currency: input.currency,
    fromAccountId: from.id,
    toAccountId: to.id,
    description: input.description ?? null,
    createdAt: minted.createdAt,
    entries: [
      { accountId: from.id, direction: 'debit', amount: input.amount, balanceAfter: fromAfter },
      { accountId: to.id, direction: 'credit', amount: input.amount, balanceAfter: toAfter },
    ],
    fromOwnerId: from.ownerId,
    toOwnerId: to.ownerId,
    initiatedBy: minted.initiatedBy,
  };
  assertBalanced(transaction);
  return { transaction, from, to };
}

/** The accounts as a plan leaves them: what the next transfer of a batch on them is planned against. */
export function accountsAfter({ transaction, from, to }: Omit<TransferPlan, 'idempotency'>): [AccountRecord, AccountRecord] {
  const [debit, credit] = transaction.entries;
  return [
    { ...from, balance: debit!.balanceAfter, seq: from.seq + 1 },
    { ...to, balance: credit!.balanceAfter, seq: to.seq + 1 },
  ];
}

/** Debits equal credits, and each entry moves its account by exactly the amount. A failure here is a bug. */
export function assertBalanced(txn: TransactionRecord): void {
  const debits = txn.entries.filter((e) => e.direction === 'debit').reduce((sum, e) => sum + e.amount, 0);
  const credits = txn.entries.filter((e) => e.direction === 'credit').reduce((sum, e) => sum + e.amount, 0);
  assert(debits === credits && debits === txn.amount, 'a transfer debits exactly what it credits');
  assert(Number.isSafeInteger(txn.amount) && txn.amount > 0, 'a transfer moves a positive integer amount');
}

/**
 * The one write of a batch of plans: each account's change summed once, in the order the plans first touch the
 * accounts. Asserts that the plans chain: every transfer starts from the state the previous one on that account
 * left, so the entries' sequence numbers and balances run on without gaps.
 */
export function ledgerWrite(plans: readonly TransferPlan[]): LedgerWrite {
  assert(plans.length > 0, 'a ledger write holds at least one transfer');
  const changes = new Map<string, AccountChange>();
  for (const { transaction: txn, from, to } of plans) {
    for (const [account, deltaMinor] of [[from, -txn.amount], [to, txn.amount]] as const) {
      const change = changes.get(account.id) ?? { read: account, deltaMinor: 0, entries: 0 };
      assert(account.seq === change.read.seq + change.entries, 'a batch\'s transfers chain on each account\'s sequence');
      assert(account.balance === change.read.balance + change.deltaMinor, 'a batch\'s transfers chain on each account\'s balance');
      change.deltaMinor += deltaMinor;
      change.entries += 1;
      changes.set(account.id, change);
    }
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
 * (paying the settlement account must not reveal the platform's float), and who initiated it only to admins.
 */
export function transactionView(caller: Caller, txn: TransactionRecord): TransactionView {
  const { fromOwnerId, toOwnerId, initiatedBy, ...rest } = txn;
  const ownerOf = (accountId: string) => (accountId === txn.fromAccountId ? fromOwnerId : toOwnerId);
  const entries = txn.entries.map((entry) => (canSee(caller, { ownerId: ownerOf(entry.accountId) })
    ? entry
    : { ...entry, balanceAfter: null }));
  return { ...rest, entries, ...(caller.role === 'admin' ? { initiatedBy } : {}) };
}
