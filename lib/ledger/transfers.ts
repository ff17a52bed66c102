import { type AppError, SameAccountError } from '../errors';
import type { Caller } from '../identity/model';
import { hashRequest } from './idempotency';
import type { ReversalGuard } from './model';
import { submitToLedger, type Origin, type TransferResult } from './posting';
import { assertMovementBalances, transferMovement, type Movement } from './rules';
import type { TransactionBody, TransferBody } from './schemas';

export type { Origin, TransferResult } from './posting';

/** A movement made outside any request (a script, a test). */
const noOrigin: Origin = { requestId: null, sourceIp: null };

/**
 * Moves `amount` from one account to another as one balanced double entry. With an idempotency key (scoped to the
 * caller) a repeated request replays the first outcome instead of trying again: the posted transfer, or the refusal by
 * the ledger's rules (every 422). The HTTP route requires a key; scripts and tests may go without.
 *
 * The path of one movement (`posting.ts`): read the shards it posts to (and the key), check every rule against them
 * (`planMovement`), then write the balances, the transaction, its entries and the key in one `TransactWriteItems`
 * that commits only if no shard changed since the read; a write that loses that race is re-read, re-planned and
 * retried within bounds.
 */
export async function transfer(
  caller: Caller,
  input: TransferBody,
  idempotencyKey?: string,
  origin: Origin = noOrigin,
): Promise<TransferResult> {
  // Refused before any account is read; under a key, the refusal binds it like any other.
  const refusal = input.fromAccountId === input.toAccountId ? new SameAccountError() : undefined;
  return submit(caller, transferMovement(input), idempotencyKey, origin, { refusal });
}

/**
 * Posts a transaction of 2–20 entries in one write: each currency's debits must equal its credits (else 422
 * `unbalanced_transaction`, before any account is read), and every entry obeys the rules a transfer's do.
 */
export async function postTransaction(
  caller: Caller,
  input: TransactionBody,
  idempotencyKey?: string,
  origin: Origin = noOrigin,
): Promise<TransferResult> {
  const movement: Movement = {
    kind: 'transaction',
    entries: input.entries,
    description: input.description ?? null,
    metadata: input.metadata ?? {},
    reverses: null,
  };
  let refusal: AppError | undefined;
  try {
    assertMovementBalances(movement);
  } catch (error) {
    refusal = error as AppError;
  }
  return submit(caller, movement, idempotencyKey, origin, { refusal });
}

/**
 * How a movement is submitted: `refusal`, a refusal found before any account is read; `reversal`, the guard a
 * reversal's write puts on the transaction it reverses; `requestHash`, what its key binds, when that is not the
 * movement's own hash (a reversal's is its request's, since the movement it comes to depends on the original's state).
 */
export interface SubmitOptions {
  refusal?: AppError;
  reversal?: ReversalGuard;
  requestHash?: string;
}

/** Submits a movement to the ledger (`submitToLedger`) and answers with its transaction. */
export async function submit(
  caller: Caller,
  movement: Movement,
  idempotencyKey: string | undefined,
  origin: Origin,
  { refusal, reversal, requestHash = hashRequest(movement) }: SubmitOptions = {},
): Promise<TransferResult> {
  const { transaction, replayed } = await submitToLedger(caller, { movement, reversal, requestHash, idempotencyKey, origin, refusal });
  return { transaction: transaction!, replayed };
}
