import { createHash } from 'node:crypto';
import { AppError, IdempotencyKeyReusedError, ReplayedRefusalError } from '../errors';
import type { Caller } from '../identity/model';
import type { HoldRecord } from './hold-model';
import type { IdempotencyRecord, Metadata, Refusal, TransactionRecord } from './model';
import type { Movement } from './rules';
import type { ReversalBody, TransactionView } from './schemas';
import { transactionView } from './transaction-view';

/*
 * What an idempotency key binds, as pure functions: the hash of a request's meaning, the record of its first outcome
 * that reached the ledger's rules, and the replay of that outcome to a retry.
 */

/**
 * A hash of the request's meaning: the same fields in any key order hash alike, and requests on different routes
 * never hash alike. A transfer hashes as it always has, so keys bound before multi-entry transactions still replay.
 */
export function hashRequest(movement: Movement): string {
  if (movement.kind === 'transfer') {
    const [debit, credit] = movement.entries;
    return sha256([debit!.accountId, credit!.accountId, debit!.amount, debit!.currency, movement.description]);
  }
  return sha256([
    movement.kind,
    movement.reverses,
    movement.entries.map(({ accountId, direction, amount, currency }) => [accountId, direction, amount, currency]),
    movement.description,
    sortedMetadata(movement.metadata),
  ]);
}

/**
 * What a reversal's key binds: the request as sent (the original and the fields given), not the movement it comes to,
 * which depends on how much of the original remained when it was read.
 */
export function hashReversal(transactionId: string, input: ReversalBody): string {
  return sha256(['reversal', transactionId, input.amount ?? null, input.description ?? null, sortedMetadata(input.metadata ?? {})]);
}

/** What a hold's key binds: the hold as asked for (the field `amount` and the rest), in any key order. */
export function hashHold(hold: Pick<HoldRecord, 'fromAccountId' | 'toAccountId' | 'amount' | 'currency' | 'description' | 'metadata'>, lifetimeSeconds: number): string {
  const { fromAccountId, toAccountId, amount, currency, description, metadata } = hold;
  return sha256(['hold', fromAccountId, toAccountId, amount, currency, lifetimeSeconds, description, sortedMetadata(metadata)]);
}

/** What a capture's key binds: the hold and the amount as sent (`null` for all of it). */
export function hashCapture(holdId: string, amount: number | undefined): string {
  return sha256(['capture', holdId, amount ?? null]);
}

/** Metadata as pairs in key order, so the same metadata in any key order hashes alike. */
function sortedMetadata(metadata: Metadata): Array<[string, string]> {
  return Object.entries(metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function sha256(canonical: unknown): string {
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/** What a key binds once its movement posts: the request's hash and the transaction, kept for `ttlSeconds`. */
export function postedRecord(transaction: TransactionRecord, requestHash: string, ttlSeconds: number): IdempotencyRecord {
  return { requestHash, outcome: 'posted', transaction, expiresAt: epochSeconds(transaction.createdAt) + ttlSeconds };
}

/** What a key binds once its hold is placed: the request's hash and the hold as placed, kept for `ttlSeconds`. */
export function heldRecord(hold: HoldRecord, requestHash: string, ttlSeconds: number): IdempotencyRecord {
  return { requestHash, outcome: 'held', hold, expiresAt: epochSeconds(hold.createdAt) + ttlSeconds };
}

/**
 * Whether a refusal binds the key it came under: every 422 of the ledger's rules does, so a retry replays it instead
 * of trying again once the balance has moved. A 4xx that says the request never reached the rules (403, 404) binds
 * nothing, and neither does `idempotency_key_reused`, which is the key's own answer.
 */
export function bindsKey(error: unknown): error is AppError {
  return error instanceof AppError && error.status === 422 && !(error instanceof IdempotencyKeyReusedError);
}

/** What a key binds once its movement is refused: the refusal as the caller was shown it. */
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
export function replay(caller: Caller, record: IdempotencyRecord, requestHash: string): Replayed {
  if (record.requestHash !== requestHash) throw new IdempotencyKeyReusedError();
  if (record.outcome === 'refused') throw new ReplayedRefusalError(record.refusal);
  if (record.outcome === 'held') return { transaction: null, hold: record.hold, replayed: true };
  return { transaction: transactionView(caller, record.transaction), hold: null, replayed: true };
}

/**
 * What the posting engine answers: the transaction posted (as the caller may see it) and the hold placed or resolved,
 * either `null` where the request had none, and whether it replays an earlier request with the same key.
 */
export interface Replayed {
  transaction: TransactionView | null;
  hold: HoldRecord | null;
  replayed: boolean;
}
