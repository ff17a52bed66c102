import { AppError } from '../errors';
import type { Caller } from '../identity/model';
import { queryExpiredHolds } from '../storage/holds';
import { expiryPartitions } from '../storage/keys';
import type { HoldRecord } from './hold-model';
import { postHoldStep } from './posting';

/*
 * The expiry sweep: releases the funds of every pending hold past its `expiresAt`. A scheduled function runs it in
 * AWS (functions/jobs/expire-holds.ts), `npm start` on a timer. Each release is one ledger write guarded by the hold's
 * item (pending, and expired at the write's time), so a sweep racing a capture, a void or another sweep resolves the
 * hold once: the loser is refused and skipped.
 */

/** The sweep acts as no user: its releases move no money, and nothing checks who asks for them. */
const sweeper: Caller = { userId: 'hold-expiry-sweep', role: 'admin', mfa: false };

/** Holds released at once, per partition read. */
const pageSize = 25;
/** Pages one sweep reads from each partition: a backlog larger than this is left for the next run. */
const pagesMax = 40;

/** What one sweep did: holds expired, and holds it found that another step resolved first. */
export interface SweepResult {
  expired: number;
  skipped: number;
}

/**
 * Releases one hold past its expiry, in one ledger write conditioned on its item: `skipped` when another step
 * resolved it first (the eventually consistent list may still show it), or when it has not expired after all.
 */
export async function expireHold(hold: HoldRecord): Promise<'expired' | 'skipped'> {
  try {
    await postHoldStep({
      caller: sweeper,
      initiatedBy: { userId: sweeper.userId, role: sweeper.role, requestId: null, sourceIp: null },
      hold: { kind: 'release', hold, status: 'expired' },
      requestHash: '',
    });
    return 'expired';
  } catch (error) {
    if (error instanceof AppError && error.status === 422) return 'skipped';
    throw error;
  }
}

/** Releases every pending hold whose expiry is at or before `atMs` (now by default). */
export async function expireHolds(atMs = Date.now()): Promise<SweepResult> {
  const at = new Date(atMs).toISOString();
  const result: SweepResult = { expired: 0, skipped: 0 };
  await Promise.all(Array.from({ length: expiryPartitions }, async (_, partition) => {
    for (let page = 0; page < pagesMax; page += 1) {
      const holds = await queryExpiredHolds(partition, at, pageSize);
      const outcomes = await Promise.all(holds.map(expireHold));
      for (const outcome of outcomes) result[outcome] += 1;
      // A page of holds that were all resolved already would be read again as it is: the list lags its items.
      if (holds.length < pageSize || !outcomes.includes('expired')) break;
    }
  }));
  return result;
}
