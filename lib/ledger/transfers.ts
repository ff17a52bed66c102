import { createHash, randomUUID } from 'node:crypto';
import { assert, ForbiddenError, ServiceUnavailableError, UnprocessableError } from '../errors';
import type { Caller } from '../identity/tokens';
import type { AccountRecord, TransactionRecord } from '../storage/ledger-store';
import { findIdempotencyRecord, postTransfer, readForTransfer, type IdempotencyRecord, type PostingPlan } from '../storage/posting-store';
import { config } from '../config';
import { accountNotFound, canSee } from './access';
import { backoff, retryPolicy } from './backoff';
import { amountMinorMax, type TransactionView, type TransferBody } from './schemas';
import { toTransactionView } from './transactions';

/** What a transfer answers: the transaction, and whether it is a replay of an earlier request with the same key. */
export interface TransferResult {
  transaction: TransactionView;
  replayed: boolean;
}

/**
 * Moves `amount` from one account to another as one balanced double entry. With an idempotency key (scoped to the
 * caller) a repeated request replays the first answer instead of posting again; a rejected transfer binds no key.
 * Concurrent transfers on one account serialize on its sequence number: each attempt re-reads both accounts, checks
 * every rule, and writes only if neither account changed in between.
 */
export async function transfer(caller: Caller, input: TransferBody, idempotencyKey?: string): Promise<TransferResult> {
  if (input.fromAccountId === input.toAccountId) {
    throw new UnprocessableError('same_account', 'The source and destination accounts are the same.');
  }
  const requestHash = hashRequest(input);
  const keyRef = idempotencyKey === undefined ? undefined : { callerId: caller.userId, key: idempotencyKey };
  const startedMs = Date.now();
  for (let attempt = 0; attempt < retryPolicy.attemptsMax && Date.now() - startedMs < retryPolicy.budgetMs; attempt += 1) {
    // The first read also looks for an earlier request under the key; a retry after a stale write needs only the
    // accounts, since a winner under the same key shows up as `idempotency_taken` below.
    const { from, to, earlier } = await readForTransfer(input.fromAccountId, input.toAccountId, attempt === 0 ? keyRef : undefined);
    if (earlier) return replay(earlier, requestHash);
    const plan = planTransfer(caller, input, from, to);
    const idempotency = keyRef && { ...keyRef, record: idempotencyRecord(plan.transaction, requestHash) };
    const outcome = await postTransfer({ ...plan, idempotency });
    if (outcome === 'posted') return { transaction: toTransactionView(plan.transaction), replayed: false };
    if (outcome === 'idempotency_taken' && keyRef) {
      const winner = await findIdempotencyRecord(keyRef.callerId, keyRef.key);
      if (winner) return replay(winner, requestHash);
    }
    await backoff(attempt);
  }
  throw new ServiceUnavailableError('ledger_busy', 'The accounts are busy; retry the request (with the same Idempotency-Key).');
}

/**
 * Checks every rule against the accounts as read and builds the write. Nothing here touches storage; the write's
 * conditions make sure these reads are still current when it commits.
 */
function planTransfer(
  caller: Caller,
  input: TransferBody,
  from: AccountRecord | undefined,
  to: AccountRecord | undefined,
): Omit<PostingPlan, 'idempotency'> {
  if (!from || !canSee(caller, from)) throw accountNotFound();
  if (!to) throw accountNotFound();
  if (from.type === 'system' && caller.role !== 'admin') {
    throw new ForbiddenError('Only admins move money out of system accounts.');
  }
  if (from.currency !== input.currency || to.currency !== input.currency) {
    throw new UnprocessableError('currency_mismatch', `Both accounts must hold ${input.currency}.`);
  }
  const fromAfter = from.balance - input.amount;
  const toAfter = to.balance + input.amount;
  if (from.type === 'user' && fromAfter < 0) {
    throw new UnprocessableError('insufficient_funds', 'The source account does not hold enough funds.');
  }
  if (toAfter > amountMinorMax || fromAfter < -amountMinorMax) {
    throw new UnprocessableError('balance_limit_exceeded', 'The transfer would take a balance beyond 2^53 − 1 minor units.');
  }
  const transaction: TransactionRecord = {
    id: randomUUID(),
    status: 'posted',
    amount: input.amount,
    currency: input.currency,
    fromAccountId: from.id,
    toAccountId: to.id,
    description: input.description ?? null,
    createdAt: new Date().toISOString(),
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

/** Debits equal credits, and each entry moves its account by exactly the amount. A failure here is a bug. */
function assertBalanced(txn: TransactionRecord): void {
  const debits = txn.entries.filter((e) => e.direction === 'debit').reduce((sum, e) => sum + e.amount, 0);
  const credits = txn.entries.filter((e) => e.direction === 'credit').reduce((sum, e) => sum + e.amount, 0);
  assert(debits === credits && debits === txn.amount, 'a transfer debits exactly what it credits');
  assert(Number.isSafeInteger(txn.amount) && txn.amount > 0, 'a transfer moves a positive integer amount');
}

function idempotencyRecord(txn: TransactionRecord, requestHash: string): IdempotencyRecord {
  return {
    requestHash,
    transactionId: txn.id,
    status: 201,
    response: JSON.stringify(toTransactionView(txn)),
    expiresAt: Math.floor(Date.parse(txn.createdAt) / 1000) + config.idempotencyTtlSeconds,
  };
}

/** Replays the answer bound to a key, or refuses a different request under the same key. */
function replay(record: IdempotencyRecord, requestHash: string): TransferResult {
  if (record.requestHash !== requestHash) {
    throw new UnprocessableError('idempotency_key_reused', 'This Idempotency-Key was used with a different request.');
  }
  return { transaction: JSON.parse(record.response) as TransactionView, replayed: true };
}

/** A hash of the request's meaning: the same fields in any key order hash alike. */
function hashRequest(input: TransferBody): string {
  const canonical = JSON.stringify([
    input.fromAccountId, input.toAccountId, input.amount, input.currency, input.description ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
