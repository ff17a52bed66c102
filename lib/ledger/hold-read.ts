import { ForbiddenError, HoldExpiredError, HoldNotFoundError, HoldNotPendingError, type AppError } from '../errors';
import { usesAdminPower, withoutAdminPower } from '../identity/admin-power';
import type { Caller } from '../identity/model';
import { findHold } from '../storage/holds';
import { holdExpired, type HoldRecord } from './hold-model';
import type { HoldView } from './views';

/*
 * One hold, read by id: what `GET /v1/holds/{id}` shows, what a capture or void acts on, and what a step that lost
 * its race to another is refused with. Apart from lib/ledger/holds.ts, so that the posting engine bundles no route's
 * code.
 */

/** Whether the caller may see a hold: its creator, the owner of either account, or an admin with admin power. */
function canSeeHold(caller: Caller, hold: HoldRecord): boolean {
  return usesAdminPower(caller) || [hold.createdBy.userId, hold.fromOwnerId, hold.toOwnerId].includes(caller.userId);
}

/** Reads a hold the caller may see, or refuses with `hold_not_found` (one answer for a missing hold and another's). */
export async function findVisibleHold(caller: Caller, holdId: string): Promise<HoldRecord> {
  const hold = await findHold(holdId);
  if (!hold || !canSeeHold(caller, hold)) throw withoutAdminPower(caller, new HoldNotFoundError());
  return hold;
}

/**
 * Reads a hold the caller may capture or void: its creator's, or any for an admin with admin power. One it may only
 * see (it owns an account of the hold) is `forbidden`; one it may not see, `hold_not_found`.
 */
export async function findActionableHold(caller: Caller, holdId: string): Promise<HoldRecord> {
  const hold = await findVisibleHold(caller, holdId);
  if (!usesAdminPower(caller) && hold.createdBy.userId !== caller.userId) {
    throw withoutAdminPower(caller, new ForbiddenError('Only the caller who placed a hold, or an admin, may capture or void it.'));
  }
  return hold;
}

/** Why a capture or void of a hold as read is refused at `atMs`, if it is: resolved already, or expired. */
export function resolutionRefusal(hold: HoldRecord, atMs: number): AppError | undefined {
  if (hold.status !== 'pending') return new HoldNotPendingError(hold.status);
  if (holdExpired(hold, atMs)) return new HoldExpiredError();
  return undefined;
}

/**
 * What a step that lost its hold's condition is refused with, from a fresh read: the hold was resolved by another
 * step since it was read, or expired.
 */
export async function holdRefusal(holdId: string): Promise<AppError> {
  const hold = await findHold(holdId);
  if (!hold) return new HoldNotFoundError();
  return resolutionRefusal(hold, Date.now()) ?? new HoldExpiredError();
}

/** A hold as the API shows it: who placed it only to admins with admin power, as a transaction's initiator. */
export function holdView(caller: Caller, hold: HoldRecord): HoldView {
  const { createdBy, fromOwnerId: _from, toOwnerId: _to, reservedShard: _shard, ...view } = hold;
  return { ...view, ...(usesAdminPower(caller) ? { initiatedBy: createdBy } : {}) };
}
