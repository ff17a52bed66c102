import { randomUUID } from 'node:crypto';
import { CaptureExceedsHoldError, SameAccountError } from '../errors';
import type { Caller } from '../identity/model';
import { holdLifetimeDefaultSeconds, type HoldRecord } from './hold-model';
import { findActionableHold, resolutionRefusal } from './hold-read';
import { hashCapture, hashHold } from './idempotency';
import { submitToLedger, type Origin, type TransferResult } from './posting';
import type { CaptureBody, HoldBody } from './schemas';

/*
 * Two-phase payments: a hold reserves funds (`pending` on its source), then is captured in full or part (a
 * transaction of what is captured, the rest released), voided, or expires (lib/ledger/hold-expiry.ts). Each step is
 * one `TransactWriteItems` of the posting engine, guarded by the hold's item, so a hold resolves exactly once however
 * its steps race.
 */

/** What a hold's placement answers: the hold, and whether it replays an earlier request with the same key. */
export interface HoldResult {
  hold: HoldRecord;
  replayed: boolean;
}

/** A movement made outside any request (a script, a test). */
const noOrigin: Origin = { requestId: null, sourceIp: null };

/**
 * Places a hold: its amount reserved out of the source, which must cover it with what it has available (a user
 * account), under every rule of a transfer. With a key, a retry replays the first outcome (the hold, or the refusal).
 */
export async function placeHold(caller: Caller, input: HoldBody, idempotencyKey?: string, origin: Origin = noOrigin): Promise<HoldResult> {
  const lifetimeSeconds = input.expiresInSeconds ?? holdLifetimeDefaultSeconds;
  const hold = {
    id: randomUUID(),
    status: 'pending' as const,
    fromAccountId: input.fromAccountId,
    toAccountId: input.toAccountId,
    // Named by the placement's read of the two accounts.
    fromOwnerId: '',
    toOwnerId: '',
    amount: input.amount,
    capturedAmount: 0,
    currency: input.currency,
    description: input.description ?? null,
    metadata: input.metadata ?? {},
    resolvedAt: null,
    transactionId: null,
  };
  const refusal = input.fromAccountId === input.toAccountId ? new SameAccountError() : undefined;
  const { hold: placed, replayed } = await submitToLedger(caller, {
    hold: { kind: 'place', hold, lifetimeSeconds }, idempotencyKey, origin, refusal, requestHash: hashHold(hold, lifetimeSeconds),
  });
  return { hold: placed!, replayed };
}

/**
 * Captures `amount` of a hold (all of it by default) as a transaction from its source to its destination, releasing
 * the rest; only its creator or an admin may. A hold no longer pending, or expired, is refused, and so is more than it
 * holds. With a key, a retry replays the first outcome, even once the hold is captured.
 */
export async function captureHold(
  caller: Caller, holdId: string, input: CaptureBody, idempotencyKey?: string, origin: Origin = noOrigin,
): Promise<TransferResult> {
  const hold = await findActionableHold(caller, holdId);
  const amount = input.amount ?? hold.amount;
  const refusal = resolutionRefusal(hold, Date.now()) ?? (amount > hold.amount ? new CaptureExceedsHoldError(hold.amount) : undefined);
  const movement = {
    kind: 'capture' as const,
    entries: [
      { accountId: hold.fromAccountId, direction: 'debit' as const, amount, currency: hold.currency },
      { accountId: hold.toAccountId, direction: 'credit' as const, amount, currency: hold.currency },
    ],
    description: hold.description,
    metadata: hold.metadata,
    reverses: null,
    holdId: hold.id,
  };
  const { transaction, replayed } = await submitToLedger(caller, {
    hold: { kind: 'capture', hold, amount }, idempotencyKey, origin, refusal, requestHash: hashCapture(holdId, input.amount), movement,
  });
  return { transaction: transaction!, replayed };
}

/** Voids a pending hold, releasing its funds; only its creator or an admin may, and only before it expires. */
export async function voidHold(caller: Caller, holdId: string, origin: Origin = noOrigin): Promise<HoldRecord> {
  const hold = await findActionableHold(caller, holdId);
  const { hold: voided } = await submitToLedger(caller, {
    hold: { kind: 'release', hold, status: 'voided' }, origin, refusal: resolutionRefusal(hold, Date.now()), requestHash: '',
  });
  return voided!;
}
