import { createHash } from 'node:crypto';
import {
  AccountNotFoundError, assert, BalanceLimitExceededError, CurrencyMismatchError, ForbiddenError,
  IdempotencyKeyReusedError, InsufficientFundsError,
} from '../errors';
import type { Caller } from '../identity/model';
import type { AccountChange, AccountRecord, IdempotencyRecord, LedgerWrite, TransactionRecord, TransferPlan } from './model';
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

/** What a new transaction is given from outside the rules: its id and its time. */
export interface Minted {
  id: string;
  createdAt: string;
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

/** What a key binds once its transfer posts: the request's hash and the answer, kept for `ttlSeconds`. */
export function idempotencyRecord(view: TransactionView, requestHash: string, ttlSeconds: number): IdempotencyRecord {
  return {
    requestHash,
    transactionId: view.id,
    response: JSON.stringify(view),
    expiresAt: Math.floor(Date.parse(view.createdAt) / 1000) + ttlSeconds,
  };
}

/** Replays the answer bound to a key, or refuses a different request under the same key. */
export function replay(record: IdempotencyRecord, requestHash: string): TransactionView {
  if (record.requestHash !== requestHash) throw new IdempotencyKeyReusedError();
  return JSON.parse(record.response) as TransactionView;
}
