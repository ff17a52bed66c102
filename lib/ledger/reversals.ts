import {
  type AppError, ForbiddenError, NotReversibleError, PartialReversalUnsupportedError, ReversalExceedsOriginalError,
} from '../errors';
import { usesAdminPower, withoutAdminPower } from '../identity/admin-power';
import type { Caller } from '../identity/model';
import { hashReversal } from './idempotency';
import { reversalsMax, type TransactionRecord } from './model';
import type { Movement } from './rules';
import type { ReversalBody } from './schemas';
import { findVisibleTransaction } from './transaction-read';
import { submit, type Origin, type TransferResult } from './transfers';

/**
 * Reverses a transaction, or part of one, as a new transaction of its entries inverted (`reverses` names the
 * original): in full by default (for one debit and one credit, what remains of it), or `amount` of a transaction of
 * one debit and one credit. The reversal's write also adds its amount to the original's `reversedAmount`, on condition
 * that the reversals stay within the original, so reversals sent at once never add up to more than it. The caller
 * must own every account the reversal debits (the merchant who was paid refunds the payer), or be an admin; the
 * reversal then obeys every rule a transaction does. With a key, a retry replays the first outcome.
 */
export async function reverseTransaction(
  caller: Caller,
  transactionId: string,
  input: ReversalBody,
  idempotencyKey?: string,
  origin: Origin = { requestId: null, sourceIp: null },
): Promise<TransferResult> {
  const original = await findVisibleTransaction(caller, transactionId);
  const debitsOthers = original.entries.some((entry) => entry.direction === 'credit' && entry.ownerId !== caller.userId);
  if (original.kind !== 'reversal' && !usesAdminPower(caller) && debitsOthers) {
    throw withoutAdminPower(caller, new ForbiddenError('Only the owner of every account a reversal debits, or an admin, may reverse this transaction.'));
  }
  const pair = original.fromAccountId !== null;
  const remaining = original.amount - original.reversedAmount;
  const amount = input.amount ?? (pair ? remaining : original.amount);
  const movement: Movement = {
    kind: 'reversal',
    entries: original.entries.map((entry) => ({
      accountId: entry.accountId,
      direction: entry.direction === 'debit' ? 'credit' : 'debit',
      amount: pair ? amount : entry.amount,
      currency: entry.currency,
    })),
    description: input.description ?? null,
    metadata: input.metadata ?? {},
    reverses: original.id,
  };
  return submit(caller, movement, idempotencyKey, origin, {
    refusal: refusalOf(original, input, amount),
    reversal: { transactionId: original.id, originalAmount: original.amount, amount },
    requestHash: hashReversal(original.id, input),
  });
}

/** Why a reversal is refused before any account is read, if it is: the original's own state decides. */
function refusalOf(original: TransactionRecord, input: ReversalBody, amount: number): AppError | undefined {
  if (original.kind === 'reversal') return new NotReversibleError();
  if (input.amount !== undefined && original.fromAccountId === null) return new PartialReversalUnsupportedError();
  const remaining = original.amount - original.reversedAmount;
  if (amount < 1 || amount > remaining || original.reversalIds.length >= reversalsMax) return new ReversalExceedsOriginalError(remaining);
  return undefined;
}
