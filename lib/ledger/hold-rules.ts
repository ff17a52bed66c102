import {
  AccountNotFoundError, assert, BalanceLimitExceededError, CurrencyMismatchError, ForbiddenError, HoldNotPendingError, InsufficientFundsError,
} from '../errors';
import { usesAdminPower, withoutAdminPower } from '../identity/admin-power';
import type { Caller } from '../identity/model';
import type { HoldRecord, HoldStep } from './hold-model';
import type { AccountRecord, TransferPlan } from './model';
import { canSee, planMovement, shardLimit, type Minted, type Movement } from './rules';
import { assertMayCredit, assertMayDebit } from './status';

/*
 * The rules of a hold's steps, as pure functions of records already read (as ./rules.ts is for movements). A hold
 * reserves its amount in `pending` on a shard of its source: a user account's shard 0, where its floor is kept (its
 * `balance − pending` never goes below 0 there, so what it has reserved is always there to capture); any shard of a
 * system account, which has no floor.
 */

/** A plan of the posting engine, before the key it binds. */
type Plan = Omit<TransferPlan, 'idempotency'>;

/**
 * Checks a hold against its two accounts as read (the source's shard it reserves on, the destination's shard 0;
 * `undefined` if one does not exist) with the rules of a transfer of its amount, in the same order, and plans its
 * placement: its amount added to that shard's `pending`, and its item. A user account's `balance − pending` must
 * cover it.
 */
export function planPlacement(
  caller: Caller, hold: HoldRecord, from: AccountRecord | undefined, to: AccountRecord | undefined, writeId: string,
): Plan {
  if (!from || !canSee(caller, from)) throw withoutAdminPower(caller, new AccountNotFoundError());
  if (from.type === 'system' && !usesAdminPower(caller)) {
    throw withoutAdminPower(caller, new ForbiddenError('Only admins move money out of system accounts.'));
  }
  if (!to) throw new AccountNotFoundError();
  assertMayDebit(from);
  assertMayCredit(to);
  if (from.currency !== hold.currency || to.currency !== hold.currency) throw new CurrencyMismatchError(hold.currency);
  if (from.type === 'user' && from.balance - from.pending < hold.amount) throw new InsufficientFundsError();
  if (from.pending + hold.amount > shardLimit(from)) throw new BalanceLimitExceededError();
  assert(from.type === 'system' || from.shard === 0, 'a user account reserves on shard 0, where its floor is');
  const record: HoldRecord = { ...hold, fromOwnerId: from.ownerId, toOwnerId: to.ownerId };
  return {
    transaction: null,
    at: hold.createdAt,
    legs: [],
    pendingChanges: [{ account: from, delta: hold.amount }],
    hold: { record, expect: 'absent', at: hold.createdAt, writeId },
  };
}

/**
 * Plans a capture: the hold's whole amount released from the source's `pending`, and the movement of what is captured
 * planned after that (so the source's floor counts this hold's reservation as its own), with every rule of a transfer.
 * A source whose `pending` no longer holds the hold's amount shows that the hold was resolved since it was read.
 */
export function planCapture(
  caller: Caller,
  step: Extract<HoldStep, { kind: 'capture' }>,
  movement: Movement,
  from: AccountRecord | undefined,
  legs: ReadonlyArray<AccountRecord | undefined>,
  minted: Minted,
): Plan {
  const { hold, amount } = step;
  if (!from || from.pending < hold.amount) throw new HoldNotPendingError();
  const released = { ...from, pending: from.pending - hold.amount };
  const read = legs.map((leg) => (leg && leg.id === from.id && leg.shard === from.shard ? released : leg));
  const plan = planMovement(caller, movement, read, minted);
  const record: HoldRecord = {
    ...hold, status: 'captured', capturedAmount: amount, resolvedAt: plan.at, transactionId: plan.transaction!.id,
  };
  const write = { record, expect: 'pending' as const, at: plan.at, writeId: plan.transaction!.id };
  return { ...plan, pendingChanges: [{ account: from, delta: -hold.amount }], hold: write };
}

/** Plans a hold's release (voided or expired): its amount taken out of the source's `pending`, and its item. */
export function planRelease(
  step: Extract<HoldStep, { kind: 'release' }>, from: AccountRecord | undefined, at: string, writeId: string,
): Plan {
  const { hold, status } = step;
  if (!from || from.pending < hold.amount) throw new HoldNotPendingError();
  return {
    transaction: null,
    at,
    legs: [],
    pendingChanges: [{ account: from, delta: -hold.amount }],
    hold: { record: { ...hold, status, resolvedAt: at }, expect: 'pending', at, writeId },
  };
}
